"""amap: season contracts, distributions and short-chain trade for AMAPs and their networks."""

import os

# Piccolo finds its engine through the module named by PICCOLO_CONF; ours lives in the
# package so that the app, the CLI and the tests all find it without a cwd on sys.path.
os.environ.setdefault("PICCOLO_CONF", "amap.piccolo_conf")

__version__ = "0.1.0"
