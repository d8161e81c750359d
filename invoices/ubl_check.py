"""Checking an e-invoice against the official rules (issue #32): the OASIS UBL 2.1 schema (lxml),
then the CEN EN 16931 and the Peppol BIS Billing 3.0 rules, compiled schematron run by Saxon
(``saxonche``: the rules are XSLT 2.0, which lxml's libxslt cannot run).

The artefacts are not ours: a folder laid out as ../shared/einvoice is (``xslt/``, ``ubl-2.1-xsd/``),
found by the EINVOICE_RULES_DIR setting. Without the XSLT only the schema check runs, and
``Checker.skipped`` says which checks did not.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

SVRL = "{http://purl.oclc.org/dsdl/svrl}"
RULE_FILES = {"EN 16931": "xslt/EN16931-UBL-validation.xslt", "Peppol BIS 3.0": "xslt/PEPPOL-EN16931-UBL.xslt"}
SCHEMA_FILES = {"Invoice": "maindoc/UBL-Invoice-2.1.xsd", "CreditNote": "maindoc/UBL-CreditNote-2.1.xsd"}


@dataclass(frozen=True)
class Failure:
    """One rule an e-invoice breaks: which set of rules, the rule's id, its message, and how bad."""

    check: str  # "UBL 2.1 XSD", "EN 16931", "Peppol BIS 3.0"
    rule: str
    message: str
    flag: str = "fatal"  # the schematron's flag; "warning" does not stop an invoice
    location: str = ""

    @property
    def fatal(self) -> bool:
        return self.flag == "fatal"


class Checker:
    """The compiled checks, built once (compiling a stylesheet takes about a second) and reused."""

    def __init__(self, rules_dir: str | Path | None, xsd_dir: str | Path | None = None) -> None:
        self.rules_dir = Path(rules_dir) if rules_dir else None
        xsd = Path(xsd_dir) if xsd_dir else (self.rules_dir / "ubl-2.1-xsd" if self.rules_dir else None)
        self.skipped: list[str] = []
        self._schemas = self._load_schemas(xsd)
        self._processor = None
        self._stylesheets = self._compile_rules()

    def _load_schemas(self, xsd: Path | None) -> dict[str, etree.XMLSchema]:
        if xsd is None or not all((xsd / name).is_file() for name in SCHEMA_FILES.values()):
            self.skipped.append(f"UBL 2.1 XSD (no {', '.join(SCHEMA_FILES.values())} under {xsd or 'a folder'})")
            return {}
        return {root: etree.XMLSchema(etree.parse(str(xsd / name))) for root, name in SCHEMA_FILES.items()}

    def _compile_rules(self) -> dict[str, object]:
        if self.rules_dir is None or not all((self.rules_dir / name).is_file() for name in RULE_FILES.values()):
            where = self.rules_dir or "EINVOICE_RULES_DIR (not set)"
            self.skipped += [f"{check} rules (no {name} under {where})" for check, name in RULE_FILES.items()]
            return {}
        from saxonche import (
            PySaxonProcessor,  # loaded only when the rules are there to run
        )

        self._processor = PySaxonProcessor(license=False)
        compiler = self._processor.new_xslt30_processor()
        return {check: compiler.compile_stylesheet(stylesheet_file=str(self.rules_dir / name))
                for check, name in RULE_FILES.items()}

    @property
    def checks(self) -> list[str]:
        """The checks that run, in order."""
        return (["UBL 2.1 XSD"] if self._schemas else []) + list(self._stylesheets)

    def check(self, xml: bytes) -> list[Failure]:
        """Every failure (fatal and warning) of ``xml`` against each check that runs."""
        try:
            document = etree.fromstring(xml)
        except etree.XMLSyntaxError as exc:
            return [Failure("XML", "not-well-formed", str(exc))]
        failures = self._schema_failures(document)
        if failures:
            return failures  # the rules assume a document of the schema's shape
        for check, executable in self._stylesheets.items():
            failures += self._rule_failures(check, executable, xml)
        return failures

    def _schema_failures(self, document: etree._Element) -> list[Failure]:
        if not self._schemas:
            return []
        root = etree.QName(document).localname
        schema = self._schemas.get(root)
        if schema is None:
            return [Failure("UBL 2.1 XSD", "root", f"the root element is {root}, not Invoice or CreditNote")]
        if schema.validate(document):
            return []
        return [Failure("UBL 2.1 XSD", error.type_name, f"line {error.line}: {error.message}")
                for error in schema.error_log]

    def _rule_failures(self, check: str, executable, xml: bytes) -> list[Failure]:
        node = self._processor.parse_xml(xml_text=xml.decode("utf-8"))
        svrl = etree.fromstring(executable.transform_to_string(xdm_node=node).encode("utf-8"))
        return [Failure(check, failed.get("id", ""), " ".join(failed.findtext(f"{SVRL}text", "").split()),
                        failed.get("flag", "fatal"), failed.get("location", ""))
                for failed in svrl.iter(f"{SVRL}failed-assert")]


def fatal(failures: list[Failure]) -> list[Failure]:
    """The failures that make an e-invoice invalid."""
    return [f for f in failures if f.fatal]
