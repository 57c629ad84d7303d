"""Generate each addon's README.rst and static/description/index.html.

    python3 tools/readme_gen.py          # (re)write the generated files
    python3 tools/readme_gen.py --check  # exit 1 if one of them is stale

As OCA's oca-gen-addon-readme, for each addon with readme/DESCRIPTION.md:
pandoc converts the Markdown fragments of readme/, tools/readme_template.rst
adds the manifest, docutils renders README.rst to index.html (the page of
Odoo's Apps menu). Images: ../static/description/name.png in a fragment (seen
from readme/), static/description/name.png in README.rst, name.png in
index.html. No date, no network, pinned pandoc (Debian 12's) and docutils
(Odoo 18.0's): the output is reproducible.
"""

import argparse
import ast
import pathlib
import re
import shutil
import subprocess
import sys

import docutils.core

ROOT = pathlib.Path(__file__).resolve().parent.parent
VERSIONS = {"docutils": "0.20.1", "pandoc": "2.17"}
# fragment: level of its # headings (1: a section, 2: a subsection)
FRAGMENTS = dict(DESCRIPTION=1, CONFIGURE=2, USAGE=2, DEVELOP=2, CONTRIBUTORS=3)
# As OCA's generator (from pypa/readme_renderer), without docutils.conf
RST2HTML = {"file_insertion_enabled": False, "raw_enabled": False, "halt_level": 2}
RST2HTML.update(smart_quotes=True, _disable_config=True)


def convert(path, level):
    """The Markdown fragment at PATH in reStructuredText, # headings at LEVEL."""
    pandoc = ["pandoc", "--sandbox", "--from=gfm-raw_html-gfm_auto_identifiers"]
    pandoc += ["--to=rst", "--wrap=preserve", f"--shift-heading-level-by={level - 1}"]
    rst = subprocess.run(pandoc + [path], capture_output=True, text=True, check=True)
    return rst.stdout.replace("image:: ../static/", "image:: static/")


def make_readme(addon):
    names = {f"{name}.md" for name in FRAGMENTS}
    if {path.name for path in (addon / "readme").iterdir()} != names:
        sys.exit(f"readme_gen: {addon}/readme must hold {', '.join(sorted(names))}")
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text("utf-8"))
    maintainers = manifest["maintainers"]
    template = (ROOT / "tools" / "readme_template.rst").read_text("utf-8")
    return template.format(
        rule="=" * len(manifest["name"]),
        name=manifest["name"],
        license=manifest["license"],
        badge=manifest["license"].replace("-", "--"),
        summary=manifest["summary"].strip(),
        website=manifest["website"],
        authors="".join(f"- {a.strip()}\n" for a in manifest["author"].split(",")),
        s="s" * (len(maintainers) > 1),
        maintainers=", ".join(f"`{m} <https://github.com/{m}>`__" for m in maintainers),
        addon=addon.name,
        series=".".join(manifest["version"].split(".")[:2]),
        **{
            name: convert(addon / "readme" / f"{name}.md", level)
            for name, level in FRAGMENTS.items()
        },
    )


def make_html(readme):
    html = docutils.core.publish_string(
        source=readme.replace("image:: static/description/", "image:: "),
        writer_name="html4css1",
        settings_overrides=RST2HTML,
    ).decode("utf-8")
    # Odoo 17+ warns about an XML declaration in a module description
    return re.sub(r"^<\?xml[^>]*\?>\n", "", html)


def read(path):
    return path.read_bytes().decode("utf-8") if path.exists() else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only tell what is stale")
    check = parser.parse_args(argv).check
    if not shutil.which("pandoc"):
        sys.exit("readme_gen: pandoc is missing: apt-get install pandoc")
    pandoc = subprocess.run(["pandoc", "--version"], capture_output=True, text=True)
    found = {"docutils": docutils.__version__, "pandoc": pandoc.stdout.split()[1]}
    for package, version in VERSIONS.items():
        if not found[package].startswith(version):
            sys.exit(f"readme_gen: {package} {version} needed, {found[package]} found")
    expected = {}
    for description in sorted(ROOT.glob("*/readme/DESCRIPTION.md")):
        addon = description.parent.parent
        readme = expected[addon / "README.rst"] = make_readme(addon)
        expected[addon / "static" / "description" / "index.html"] = make_html(readme)
    stale = [path for path, text in expected.items() if read(path) != text]
    for path in stale:
        if check:
            print(f"{path.relative_to(ROOT)} is stale: run python3 tools/readme_gen.py")
        else:
            path.write_text(expected[path], encoding="utf-8", newline="\n")
            print(f"{path.relative_to(ROOT)} written")
    return 1 if stale and check else 0


if __name__ == "__main__":
    sys.exit(main())
