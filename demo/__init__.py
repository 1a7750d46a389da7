"""The demo site: ``manage.py seed_demo`` and the data it seeds.

The data are files in ``data/`` (TOML), read by small loaders into typed
dataclasses; the logic that turns them into rows is Python: the planners that
draw patents and listings from seeded generators, the pictures, and the steps
that write everything through each app's services. This app reads every other
app and no app reads it.
"""
