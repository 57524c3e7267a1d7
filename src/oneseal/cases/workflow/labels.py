"""Diagrams in the reader's language: the BPMN files are written in English (the modelers' lingua
franca); the names shown on a page go through the translation catalog."""

from __future__ import annotations

from functools import lru_cache

from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from lxml import etree

from oneseal.accounts.roles import RoleCode

from .engine import diagram_xml

BPMN_MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL"

# Names that appear only in the BPMN files, listed so that makemessages finds them.
DIAGRAM_WORDS = (
    gettext_noop("yes"), gettext_noop("no"), gettext_noop("kept"), gettext_noop("false commitment"),
    gettext_noop("Approved?"), gettext_noop("Passed?"), gettext_noop("Kept?"), gettext_noop("Accepted"),
    gettext_noop("Approved"), gettext_noop("Denied"), gettext_noop("Revoked"), gettext_noop("Review"),
    gettext_noop("Decide"), gettext_noop("Decide on the signed commitment"),
    gettext_noop("Accept and decide at the window"), gettext_noop("Site inspection"),
    gettext_noop("Expert review"), gettext_noop("Public notice"), gettext_noop("Verification inspection"),
    gettext_noop("Review, then decision"), gettext_noop("Review with site inspection"),
    gettext_noop("Review with public notice"), gettext_noop("Review with expert review"),
    gettext_noop("On-the-spot decision at the window"), gettext_noop("Commitment approval (告知承诺)"),
)
_ROLES = {role.value: role for role in RoleCode}


def _label(name: str) -> str:
    role = _ROLES.get(name)
    return str(role.label) if role is not None else gettext(name)


def localized_diagram_xml(procedure: str) -> str:
    """The procedure's BPMN XML with every shown name in the active language."""
    return _localized(procedure, translation.get_language() or "zh-hans")


@lru_cache(maxsize=64)
def _localized(procedure: str, language: str) -> str:
    root = etree.fromstring(diagram_xml(procedure).encode())
    with translation.override(language):
        for element in root.iter(f"{{{BPMN_MODEL}}}*"):
            name = element.get("name")
            if name:
                element.set("name", _label(name))
    return etree.tostring(root, encoding="unicode")
