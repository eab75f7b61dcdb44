"""Names the pages show for the knowledge base's codes (fields, statuses, roles, flags, audit actions),
in the interface language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _

FIELD_NAMES = {
    "title": _("Title"), "summary": _("Summary"), "body": _("Full text"), "language": _("Language"),
    "city": _("City"), "country": _("Country"), "themes": _("Themes"),
    "description": _("About this practice"), "resources": _("Resources needed"), "timescale": _("Timescale"),
    "evidence": _("Evidence of success"), "difficulties": _("Difficulties encountered"),
    "transfer": _("Potential for learning or transfer"), "stakeholders": _("Stakeholders"), "contact": _("Contact"),
    # what else the audit trail records
    "status": _("Status"), "review": _("Review"), "role": _("Role"), "items": _("Practices"), "public": _("Public"),
    "owner": _("Owner"), "values": _("Values"), "edited": _("Edited by hand"), "groups": _("Versions"),
    "proposal": _("Proposed extraction"),
}
STATUS_NAMES = {"draft": _("draft"), "approved": _("approved"), "rejected": _("rejected")}
STAGE_NAMES = {"implemented": _("implemented"), "ongoing": _("ongoing"), "planned": _("planned or proposed")}
REVIEW_NAMES = {"": _("new"), "changed": _("changed by a new ingest"), "proposed": _("new extraction proposed"),
                "gone": _("no longer in its document")}
ROLE_NAMES = {"advisor": _("advisor"), "admin": _("admin")}
FLAG_NAMES = {
    "no_city": _("no city found"), "city_from_document": _("city taken from the document title"),
    "no_country": _("no country found"), "no_themes": _("no themes"),
    "themes_guessed": _("themes assigned from the text"), "no_fields": _("no labelled sheet fields"),
    "short": _("short text"), "long_title": _("very long title"),
    "ocr": _("read by OCR from a scanned page"), "ocr_poor": _("OCR confidence low: check the text against the scan"),
}
ACTION_NAMES = {
    "edit": _("edited"), "approved": _("approved"), "rejected": _("rejected"), "draft": _("back to draft"),
    "accept_proposal": _("took the new extraction"), "dismiss_proposal": _("kept the edited values"),
    "merge_versions": _("merged versions"), "split_version": _("split a version"), "revert": _("reverted"),
    "collection_create": _("created a collection"), "collection": _("changed a collection"),
    "collection_items": _("changed a collection's practices"), "collection_delete": _("deleted a collection"),
    "user_add": _("created an account"), "user_role": _("changed a role"), "user_remove": _("removed an account"),
    "password": _("changed a password"),
}


def names() -> dict:
    return {"field_names": FIELD_NAMES, "status_names": STATUS_NAMES, "stage_names": STAGE_NAMES, "review_names": REVIEW_NAMES,
            "role_names": ROLE_NAMES, "flag_names": FLAG_NAMES, "action_names": ACTION_NAMES}
