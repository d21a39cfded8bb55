from demo_fixtures import fast_password_hashing, loaded, province  # noqa: F401 - fixtures for this package
