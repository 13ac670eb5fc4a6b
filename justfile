# Shortcuts for people with `just`; the scripts work without it.

# Run the server on :3010 (a local PostgreSQL is set up when DATABASE_URL is not given).
run *ARGS:
    scripts/run {{ARGS}}

# The whole test suite.
test *ARGS:
    scripts/test {{ARGS}}

# What CI runs: fmt, clippy, tests.
ci:
    bash .ci/run

# Apply migrations to DATABASE_URL and exit.
migrate:
    scripts/with-postgres cargo run -p prodsync-api --bin prodsync -- migrate

fmt:
    cargo fmt --all

lint:
    cargo clippy --workspace --all-targets -- -D warnings
