-- Map boundaries as data: one imported GeoJSON per unit level, and the feature-to-unit matches
-- confirmed when it was imported. Geometry stays GeoJSON text; no spatial extension needed.

CREATE TABLE boundary_set (
    level_code    VARCHAR PRIMARY KEY,
    file_name     VARCHAR NOT NULL,
    geojson       VARCHAR NOT NULL,
    name_property VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    feature_count INTEGER NOT NULL,
    imported_at   TIMESTAMP NOT NULL,
    imported_by   BIGINT
);

CREATE TABLE boundary_match (
    level_code  VARCHAR NOT NULL,
    feature_key VARCHAR NOT NULL,
    unit_id     BIGINT NOT NULL,
    PRIMARY KEY (level_code, feature_key)
);
