"""Check the root README's picture of the addons against their manifests.

    python3 tools/readme_depends.py   # exit 1, saying what differs

The picture is the literal block after the README's ``.. _addons-depends:``
target: a tree where each name is indented under the addon that depends on
it, several names on one line separated by commas, with any of the drawing
characters ``│├└─`` before them and a note in parentheses after them. A name
with names under it is one of our addons (a directory of the repository's
root with a __manifest__.py): the names under it must be exactly its
manifest's ``depends``; every addon of the root must be in the picture.
Stdlib only: a pre-commit hook runs it.
"""

import ast
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET = ".. _addons-depends:"
INDENT = 4  # columns per level of the tree


def picture(readme):
    """The literal block following TARGET in README's text: its lines."""
    lines = readme.splitlines()
    try:
        start = lines.index(TARGET)
    except ValueError:
        sys.exit(f"readme_depends: README.rst has no {TARGET} before the picture")
    start = next(i for i in range(start, len(lines)) if lines[i].endswith("::")) + 1
    block = []
    for line in lines[start:]:
        if line.strip() and not line.startswith(" "):
            break
        block.append(line)
    return [line for line in block if line.strip()]


def read_tree(lines):
    """{addon: set of names under it} of the picture's LINES."""
    margin = min(len(line) - len(line.lstrip()) for line in lines)
    tree, path = {}, []  # path: the last name seen at each level
    for line in lines:
        text = line[margin:]
        names = text.lstrip(" │├└─")
        level = (len(text) - len(names)) // INDENT
        names = [re.sub(r"\(.*\)", "", name).strip() for name in names.split(",")]
        if level:
            tree.setdefault(path[level - 1], set()).update(names)
        del path[level:]
        path.append(names[-1])
    return tree


def depends():
    """{addon: set of its manifest's depends} of the repository's root."""
    manifests = ROOT.glob("*/__manifest__.py")
    read = {
        path.parent.name: ast.literal_eval(path.read_text("utf-8"))
        for path in manifests
    }
    return {addon: set(manifest["depends"]) for addon, manifest in read.items()}


def differences(tree, manifests):
    """What differs between the picture's TREE and the MANIFESTS, in words."""
    found = []
    for addon in sorted(set(tree) | set(manifests)):
        if addon not in manifests:
            found.append(f"{addon}: in the picture, but no {addon}/__manifest__.py")
        elif addon not in tree:
            found.append(f"{addon}: an addon of the root missing from the picture")
        elif tree[addon] != manifests[addon]:
            extra = ", ".join(sorted(tree[addon] - manifests[addon])) or "-"
            missing = ", ".join(sorted(manifests[addon] - tree[addon])) or "-"
            found.append(
                f"{addon}: the picture has it depend on {extra} that its manifest"
                f" does not, its manifest on {missing} that the picture does not"
            )
    return found


def main():
    readme = (ROOT / "README.rst").read_text("utf-8")
    found = differences(read_tree(picture(readme)), depends())
    for line in found:
        print(f"README.rst's picture of the addons: {line}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
