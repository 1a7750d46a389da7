"""Rows built once for many tests (a module's or a class's), rolled back after the last of them."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.utils import translation


@contextmanager
def built_once(django_db_blocker) -> Iterator[None]:
    """An atomic block for a module- or class-scoped fixture to build its world in and yield it from.

    Each test then runs in a savepoint of its own inside this block (pytest-django's atomic block), rolled
    back after it, so every test finds the world as it was built, whatever the tests before it wrote; after
    the last test the whole world is rolled back. What runs on commit (e-mail, index upkeep) never runs, as
    in any test that is not transactional. Tests should fetch the rows they use afresh by primary key: model
    instances and users carry caches (permissions, related objects) from one test to the next. Not for
    transactional tests (``transaction=True``, the live server): they end by emptying every table, the
    world's rows with them.
    """
    with django_db_blocker.unblock(), translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        yield
        transaction.set_rollback(True)
