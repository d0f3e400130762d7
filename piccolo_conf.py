"""Lets the `piccolo` command line find amap's configuration when run from the checkout."""

from amap.piccolo_conf import APP_REGISTRY, DB  # noqa: F401
