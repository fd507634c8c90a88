"""Sphinx configuration for the gxschema documentation.

Builds offline: no intersphinx, no remote assets.  The template reference pages are
written from the compiled specs at build time by the local extension ``_ext/gxref.py``;
``_ext/gxapi.py`` completes autodoc for the constants ``gxschema`` re-exports.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
# Document the checkout, not whatever gxschema happens to be installed.
sys.path.insert(0, str(HERE.parent / "src"))

import gxschema  # noqa: E402 - needs the path set above

project = "gxschema"
author = "gxschema developers"
copyright = "gxschema developers, MIT licence"
release = gxschema.__version__
version = release
language = "en"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "gxref",
    "gxapi",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# Google-style docstrings only; attributes are listed in the class docstrings.
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_ivar = True
# attrs annotations name the private defining modules (gxschema._values.Number);
# the docstrings say what each attribute holds.
napoleon_attr_annotations = False

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented"

html_theme = "furo"
html_title = f"gxschema {release}"
html_static_path: list[str] = []
html_show_sourcelink = False
