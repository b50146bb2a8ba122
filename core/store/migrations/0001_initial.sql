-- Organisation tree, catalogs, users and roles, generic workflow items, audit.

CREATE TABLE app_meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE unit_level (
    code   VARCHAR PRIMARY KEY,
    name   VARCHAR NOT NULL,
    rank   INTEGER NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE unit_type (
    code   VARCHAR PRIMARY KEY,
    name   VARCHAR NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE province (
    code       VARCHAR PRIMARY KEY,
    name       VARCHAR NOT NULL,
    short_name VARCHAR NOT NULL
);

CREATE SEQUENCE unit_id_seq START 1;
CREATE TABLE unit (
    id           BIGINT PRIMARY KEY DEFAULT nextval('unit_id_seq'),
    code         VARCHAR NOT NULL UNIQUE,
    name         VARCHAR NOT NULL,
    level_code   VARCHAR NOT NULL,
    type_code    VARCHAR NOT NULL,
    province     VARCHAR,
    district     VARCHAR,
    commune      VARCHAR,
    address      VARCHAR,
    description  VARCHAR,
    parent_id    BIGINT,
    path         VARCHAR NOT NULL,
    depth        INTEGER NOT NULL,
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    successor_id BIGINT,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

CREATE TABLE role (
    code        VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    description VARCHAR,
    active      BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE role_function (
    role_code     VARCHAR NOT NULL,
    function_code VARCHAR NOT NULL,
    PRIMARY KEY (role_code, function_code)
);

CREATE SEQUENCE user_id_seq START 1;
CREATE TABLE app_user (
    id                   BIGINT PRIMARY KEY DEFAULT nextval('user_id_seq'),
    cccd                 VARCHAR NOT NULL,
    full_name            VARCHAR NOT NULL,
    unit_id              BIGINT NOT NULL,
    account_type         VARCHAR NOT NULL,
    position             VARCHAR NOT NULL,
    role_code            VARCHAR NOT NULL,
    password_hash        VARCHAR NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         TIMESTAMP,
    active               BOOLEAN NOT NULL DEFAULT TRUE,
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL
);

CREATE SEQUENCE work_item_id_seq START 1;
CREATE TABLE work_item (
    id         BIGINT PRIMARY KEY DEFAULT nextval('work_item_id_seq'),
    kind       VARCHAR NOT NULL,
    unit_id    BIGINT NOT NULL,
    title      VARCHAR NOT NULL,
    state      VARCHAR NOT NULL,
    is_open    BOOLEAN NOT NULL DEFAULT TRUE,
    version    INTEGER NOT NULL DEFAULT 1,
    created_by BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE SEQUENCE audit_id_seq START 1;
CREATE TABLE audit_log (
    id            BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
    at_time       TIMESTAMP NOT NULL,
    actor_user_id BIGINT,
    actor_name    VARCHAR,
    actor_unit_id BIGINT,
    entity        VARCHAR NOT NULL,
    entity_id     BIGINT,
    action        VARCHAR NOT NULL,
    from_state    VARCHAR,
    to_state      VARCHAR,
    reason        VARCHAR,
    detail        VARCHAR
);
