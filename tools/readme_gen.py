"""Generate each addon's README.rst and static/description/index.html.

    python3 tools/readme_gen.py          # (re)write the generated files
    python3 tools/readme_gen.py --check  # exit 1 if one of them is stale

Like OCA's oca-gen-addon-readme (which is not on PyPI), for every addon of
this repository that has ``readme/DESCRIPTION.md``: the Markdown fragments of
``readme/`` and the manifest make ``README.rst`` (title, summary, description,
table of contents, Configuration, Usage, Bug Tracker, Credits), which docutils
renders to ``static/description/index.html``, the page Odoo's Apps menu shows.
Nothing depends on the date or the network, so the output is reproducible;
the pre-commit hook ``readme-gen`` runs ``--check`` so that neither file goes
stale. The HTML depends on the docutils version: 0.20.1, Odoo 18.0's own pin.

The Markdown converter is deliberately small; it knows this subset:

- headings ``#`` and ``##`` (one and two levels below the fragment's section;
  in DESCRIPTION.md, ``#`` makes a section beside Configuration and Usage),
- paragraphs (lines kept as written, blank lines between paragraphs),
- bullet lists (``-`` or ``*``) and numbered lists (``1.``, renumbered from
  1), nested by indenting the inner items; a paragraph indented after a
  blank line continues the item above,
- inline ``**bold**``, ``*italic*``, ```code``` and ``[text](url)``,
- images ``![text](../static/description/name.png)``, alone on their line:
  README.rst shows ``static/description/name.png``, index.html ``name.png``
  (which Odoo's Apps menu serves from the addon's static/description/).

Anything else that Markdown would give a meaning to (quotes ``>``, code
fences, tables, HTML) stops the script with the file and line, instead of
being shown wrong; other characters special to reStructuredText are escaped.
"""

import argparse
import ast
import os
import re
import sys

import docutils
import docutils.core
import docutils.utils

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCUTILS_VERSION = "0.20.1"

# Fragment name -> section title; None: placed by the template itself.
FRAGMENTS = {
    "DESCRIPTION": None,
    "INSTALL": "Installation",
    "CONFIGURE": "Configuration",
    "USAGE": "Usage",
    "DEVELOP": "How it works",
    "ROADMAP": "Known issues / Roadmap",
    "HISTORY": "Changelog",
    "CONTRIBUTORS": None,
    "CREDITS": None,
}

# Underline of each section level (the title has its own overline).
UNDERLINES = "=~-^"

# As OCA's generator (taken from pypa/readme_renderer), plus no docutils.conf.
RST2HTML_SETTINGS = {
    "_disable_config": True,
    "file_insertion_enabled": False,
    "halt_level": 2,
    "math_output": "MathJax",
    "output_encoding": "utf-8",
    "raw_enabled": False,
    "smart_quotes": True,
    "syntax_highlight": "short",
}

HEADING = re.compile(r"(#{1,6})\s+(.*?)\s*#*\s*$")
IMAGE = re.compile(
    r"!\[(?P<alt>[^\]]*)\]\(\.\./static/description/(?P<name>[^)\s/]+)\)$"
)
ITEM = re.compile(r"( *)([-*]|\d+[.)])\s+(.*)$")
UNSUPPORTED = re.compile(r"\s*(>|```|~~~|\||<[a-zA-Z!/])")
INLINE = re.compile(
    r"`(?P<code>[^`]+)`"
    r"|\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]+)\)"
    r"|\*\*(?P<bold>[^*]+?)\*\*"
    r"|\*(?P<italic>[^*\s](?:[^*]*[^*\s])?)\*"
)
# Characters with a meaning in reStructuredText text: a backslash, the
# markup characters left once the inline markup is converted, and an
# underscore ending a word (a reference such as ``name_``).
SPECIAL = re.compile(r"[\\*`|]|_(?![A-Za-z0-9])")


class FragmentError(Exception):
    """A fragment uses Markdown that the converter does not know."""


# Markdown -> reStructuredText ------------------------------------------------


def escape(text):
    return SPECIAL.sub(lambda match: "\\" + match.group(0), text)


def inline(text):
    """Convert the inline Markdown of ``text``, escape everything else."""
    parts = []
    position = 0
    for match in INLINE.finditer(text):
        parts.append(escape(text[position : match.start()]))
        if match["code"] is not None:
            markup = f"``{match['code']}``"
        elif match["url"] is not None:
            markup = f"`{escape(match['text'])} <{match['url']}>`__"
        elif match["bold"] is not None:
            markup = f"**{escape(match['bold'])}**"
        else:
            markup = f"*{escape(match['italic'])}*"
        # reStructuredText markup must stand apart from letters and digits
        if match.start() > 0 and text[match.start() - 1].isalnum():
            markup = "\\ " + markup
        if match.end() < len(text) and text[match.end()].isalnum():
            markup += "\\ "
        parts.append(markup)
        position = match.end()
    parts.append(escape(text[position:]))
    return "".join(parts)


def heading(title, level):
    return [title, UNDERLINES[level] * len(title), ""]


def blocks(path):
    """The fragment's [kind, lines] blocks (heading, item, paragraph)."""
    name = os.path.relpath(path, ROOT)
    with open(path, encoding="utf-8") as fragment:
        lines = fragment.read().splitlines()
    result = []
    after_blank = False
    for number, line in enumerate(lines, 1):
        if UNSUPPORTED.match(line):
            raise FragmentError(f"{name}:{number}: unsupported Markdown: {line}")
        if not line.strip():
            after_blank = True
            continue
        last = result[-1] if result else None
        if HEADING.match(line):
            if len(HEADING.match(line)[1]) > 2:
                raise FragmentError(f"{name}:{number}: use # or ## headings only")
            result.append(["heading", [line]])
        elif line.lstrip().startswith("!["):
            if not IMAGE.match(line):
                raise FragmentError(
                    f"{name}:{number}: an image stands alone on its line, in "
                    f"../static/description/: {line}"
                )
            result.append(["image", [line]])
        elif ITEM.match(line):
            result.append(["item", [line]])
        elif last and last[0] == "item" and (not after_blank or line[:2] == "  "):
            # the item goes on; after a blank line, with a paragraph of its own
            last[1].extend(["", line] if after_blank else [line])
        elif last and last[0] == "paragraph" and not after_blank:
            last[1].append(line)
        else:
            result.append(["paragraph", [line]])
        after_blank = False
    return result


def render_items(items):
    """reStructuredText lines of consecutive list items, nested by indent."""
    lines = []
    open_lists = []  # (Markdown indent, reStructuredText indent, bullet)
    text_column = 0  # where the text of the last item starts
    for first, *rest in items:
        indent, marker, text = ITEM.match(first).groups()
        bullet = "-" if marker in "-*" else "#."
        closed = False
        while open_lists and len(indent) < open_lists[-1][0]:
            open_lists.pop()
            closed = True
        if not open_lists or len(indent) > open_lists[-1][0]:
            if open_lists:
                lines.append("")  # a nested list is a block of its own
            open_lists.append((len(indent), text_column if open_lists else 0, bullet))
        elif closed or bullet != open_lists[-1][2]:
            lines.append("")  # back from a nested list, or another kind of list
            open_lists[-1] = open_lists[-1][:2] + (bullet,)
        column = open_lists[-1][1]
        text_column = column + len(bullet) + 1
        body = inline("\n".join([text] + [line.strip() for line in rest]))
        first_line, *other_lines = body.split("\n")
        lines.append(f"{' ' * column}{bullet} {first_line}")
        lines.extend(" " * text_column + line if line else "" for line in other_lines)
    return lines + [""]


def md_to_rst(path, level, image_dir):
    """The fragment at ``path`` in reStructuredText, headings from ``level``,
    images in ``image_dir``."""
    output = []
    items = []
    for kind, lines in blocks(path) + [("end", [])]:
        if kind == "item":
            items.append(lines)
            continue
        if items:
            output.extend(render_items(items))
            items = []
        if kind == "heading":
            hashes, title = HEADING.match(lines[0]).groups()
            output.extend(heading(inline(title), level + len(hashes) - 1))
        elif kind == "paragraph":
            output.extend(inline("\n".join(line.strip() for line in lines)).split("\n"))
            output.append("")
        elif kind == "image":
            image = IMAGE.match(lines[0])
            output.append(f".. image:: {image_dir}{image['name']}")
            if image["alt"]:
                output.append(f"   :alt: {image['alt']}")
            output.append("")
    return "\n".join(output).strip("\n") + "\n"


# README.rst --------------------------------------------------------------------


def read_manifest(addon_dir):
    with open(os.path.join(addon_dir, "__manifest__.py"), encoding="utf-8") as file:
        return ast.literal_eval(file.read())


def read_fragments(addon_dir):
    readme_dir = os.path.join(addon_dir, "readme")
    fragments = {}
    for filename in sorted(os.listdir(readme_dir)):
        name, extension = os.path.splitext(filename)
        if extension != ".md" or name not in FRAGMENTS:
            raise FragmentError(
                f"{os.path.relpath(os.path.join(readme_dir, filename), ROOT)}: "
                "unknown fragment; "
                f"known: {', '.join(name + '.md' for name in FRAGMENTS)}"
            )
        fragments[name] = os.path.join(readme_dir, filename)
    return fragments


def make_readme(addon_dir, image_dir="static/description/"):
    """README.rst of the addon; images in ``image_dir`` (relative to the page)."""
    addon = os.path.basename(addon_dir)
    manifest = read_manifest(addon_dir)
    fragments = read_fragments(addon_dir)
    series = ".".join(manifest["version"].split(".")[:2])
    name = escape(manifest["name"])
    lines = ["=" * len(name), name, "=" * len(name), ""]
    lines += [
        "..",
        "   !! This file is generated by tools/readme_gen.py from readme/*.md",
        "   !! and __manifest__.py: edit those, then run the script.",
        "",
    ]
    if manifest.get("summary"):
        lines += [f"*{escape(manifest['summary'].strip())}*", ""]
    lines += [
        md_to_rst(fragments["DESCRIPTION"], 0, image_dir),
        "**Table of contents**",
        "",
    ]
    lines += [".. contents::", "   :local:", ""]
    for fragment, title in FRAGMENTS.items():
        if title and fragment in fragments:
            lines += heading(title, 0) + [md_to_rst(fragments[fragment], 1, image_dir)]

    website = manifest.get("website", "")
    lines += heading("Bug Tracker", 0)
    if website.startswith("https://github.com/"):
        issues = website.rstrip("/") + "/issues"
        lines += [
            f"Bugs are tracked on `GitHub Issues <{issues}>`_. In case of trouble,",
            "please check there if your issue has already been reported.",
            "",
        ]
    else:
        lines += ["Please report bugs to the maintainers below.", ""]

    lines += heading("Credits", 0)
    authors = [author.strip() for author in manifest.get("author", "").split(",")]
    lines += heading("Authors", 1) + [f"- {escape(a)}" for a in authors if a] + [""]
    if "CONTRIBUTORS" in fragments:
        lines += heading("Contributors", 1) + [
            md_to_rst(fragments["CONTRIBUTORS"], 2, image_dir)
        ]
    if "CREDITS" in fragments:
        lines += heading("Other credits", 1) + [
            md_to_rst(fragments["CREDITS"], 2, image_dir)
        ]
    lines += heading("Maintainers", 1)
    maintainers = manifest.get("maintainers", [])
    if maintainers:
        names = ", ".join(
            f"`{escape(login)} <https://github.com/{login}>`__" for login in maintainers
        )
        plural = "s" if len(maintainers) > 1 else ""
        lines += [f"Current maintainer{plural}: {names}", ""]
    if website:
        lines += [
            f"This module is part of the `{escape(addon)} <{website}>`__ project,",
            f"branch {series}.",
            "",
        ]
    return "\n".join(lines).strip("\n") + "\n"


def make_html(readme):
    html = docutils.core.publish_string(
        source=readme,
        writer_name="html4css1",
        settings_overrides=RST2HTML_SETTINGS,
    ).decode("utf-8")
    # Odoo 17+ warns about an XML declaration in a module description
    return re.sub(r"^<\?xml[^>]*\?>\n", "", html)


# Command ---------------------------------------------------------------------


def addon_dirs():
    for name in sorted(os.listdir(ROOT)):
        path = os.path.join(ROOT, name)
        if os.path.isfile(os.path.join(path, "__manifest__.py")) and os.path.isfile(
            os.path.join(path, "readme", "DESCRIPTION.md")
        ):
            yield path


def generated_files(addon_dir):
    """{path: expected content} of the files generated for one addon."""
    index = os.path.join(addon_dir, "static", "description", "index.html")
    return {
        os.path.join(addon_dir, "README.rst"): make_readme(addon_dir),
        index: make_html(make_readme(addon_dir, image_dir="")),
    }


def read(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8", newline="") as file:
        return file.read()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="only tell whether a file is stale"
    )
    options = parser.parse_args(argv)
    if docutils.__version__ != DOCUTILS_VERSION:
        print(
            f"readme_gen: docutils {docutils.__version__} found, {DOCUTILS_VERSION} "
            "needed for a reproducible index.html (Odoo 18.0's pin): pip install "
            f"docutils=={DOCUTILS_VERSION}",
            file=sys.stderr,
        )
        return 2
    try:
        expected = {}
        for addon_dir in addon_dirs():
            expected.update(generated_files(addon_dir))
    except (FragmentError, docutils.utils.SystemMessage) as error:
        print(f"readme_gen: {error}", file=sys.stderr)
        return 2
    stale = [path for path, content in expected.items() if read(path) != content]
    for path in stale:
        name = os.path.relpath(path, ROOT)
        if options.check:
            print(f"{name} is stale: run python3 tools/readme_gen.py")
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as file:
            file.write(expected[path])
        print(f"{name} written")
    return 1 if stale and options.check else 0


if __name__ == "__main__":
    sys.exit(main())
