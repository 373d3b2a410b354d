"""The app database's schema comes from the Alembic migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

import concurrent.futures

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, inspect

from bot.store import migrate, tracker_schema
from tests.conftest import PG_URL, _fresh_pg_schema


@pytest.fixture
def engine(database_url):
    engine = create_engine(database_url, future=True)
    yield engine
    engine.dispose()


def test_the_head_is_the_newest_revision_file():
    newest = max(p.name.split("_", 1)[0] for p in migrate.SCRIPT_LOCATION.joinpath("versions").glob("0*.py"))
    assert migrate.head_revision() == newest == "0005"


def test_an_empty_database_gets_every_table_and_the_models_match(engine):
    assert migrate.upgrade(engine) is True
    assert migrate.current_revision(engine) == "0005"
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, migrate.target_metadata()) == []  # no model change without a revision
    assert migrate.upgrade(engine) is False  # again: nothing to do


def test_a_database_from_before_migrations_is_completed_and_stamped(engine):
    metadata = migrate.target_metadata()
    metadata.create_all(engine, tables=[metadata.tables["orders"], metadata.tables["customers"]])
    assert migrate.upgrade(engine) is False  # it had our tables
    assert migrate.current_revision(engine) == "0005"
    assert {"handoffs", "lookup_failures", "alembic_version"} <= set(inspect(engine).get_table_names())


def test_a_database_migrated_by_a_newer_version_is_left_alone(engine, caplog):
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    assert migrate.upgrade(engine) is False  # an old server in a rolling upgrade keeps serving
    assert migrate.current_revision(engine) == "9999"
    assert "does not know" in caplog.text


def test_the_tracker_table_gets_its_sender_index(engine):
    events = Table("events", MetaData(), Column("id", Integer, primary_key=True), Column("sender_id", String(255)))
    events.create(engine)  # as a restore or another tool might leave it: no index
    with engine.begin() as connection:
        assert not tracker_schema.has_sender_index(connection)
    migrate.upgrade(engine)
    with engine.begin() as connection:
        assert tracker_schema.has_sender_index(connection)
        assert tracker_schema.ensure_sender_index(connection) is False  # idempotent


@pytest.fixture
def pg_url():
    yield from _fresh_pg_schema(PG_URL)


@pytest.mark.postgres
def test_servers_starting_together_on_postgresql_migrate_once(pg_url):
    engines = [create_engine(pg_url, future=True) for _ in range(3)]
    try:
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            created = list(pool.map(migrate.upgrade, engines))
        assert created.count(True) == 1  # one created the schema; the others waited and found it
        assert migrate.current_revision(engines[0]) == migrate.head_revision()
    finally:
        for engine in engines:
            engine.dispose()
