"""Domain rules of the application. Nothing in this package imports streamlit."""
