from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SisConfig(AppConfig):
    name = "schoolbrug.sis"
    label = "sis"
    verbose_name = _("School records")

    def ready(self) -> None:
        from schoolbrug.accounts.activation import register_redeem_handler

        from .guardian_accounts.invitations import REFERENCE_PREFIX, link_guardian_on_redeem

        # An invitation links the guardian record to an existing account only when it is redeemed.
        register_redeem_handler(REFERENCE_PREFIX, link_guardian_on_redeem)
        from .setup.staff_invitations import REFERENCE_PREFIX as STAFF_PREFIX
        from .setup.staff_invitations import link_staff_on_redeem

        register_redeem_handler(STAFF_PREFIX, link_staff_on_redeem)
        self.describe_audit_data()
        from .rollover.audit_words import describe_audit_data as describe_rollover_audit_data

        describe_rollover_audit_data()

    def describe_audit_data(self) -> None:
        from schoolbrug.accounts.audit_text import audit_vocabulary

        from .guardian_accounts.forms import NO, YES
        from .models import (
            Branch,
            EmergencyContact,
            Group,
            Guardian,
            Guardianship,
            MedicalInfo,
            Pupil,
            School,
            SchoolYear,
            StaffMember,
            TimetableEntry,
        )

        yes_no = {YES: _("yes"), NO: _("no")}
        audit_vocabulary(
            keys={
                "pupil_fields": _("changed pupil data"),
                "pupils": _("pupils shown"),
                "guardian_fields": _("changed guardian data"),
                "relation_fields": _("changed relation data"),
                "account_created": _("account created"),
                "linked": _("linked to an existing account"),
                "reactivated": _("account reactivated"),
                "was_active": _("account was active"),
                "sessions_ended": _("sessions ended"),
                "links_revoked": _("invitation links revoked"),
                "export": _("export"),
                "rows": _("rows"),
                "filters": _("filters"),
                "group": _("group"),
                "name": _("name"),
                "invited": _("invited"),
                "activated": _("activated"),
                "setup": _("set-up of"),
                "action": _("action"),
                "setup_fields": _("changed fields"),
                # Enrolment pages (sis/enrolment).
                "change": _("change"),
                "school_year": _("school year"),
                "guardian_created": _("new guardian record"),
                "guardian_record_deleted": _("guardian record deleted"),
                "placements_withdrawn": _("group places withdrawn"),
                "emergency_fields": _("changed emergency number data"),
                "medical_fields": _("changed medical data"),
            },
            values={
                "export": {"guardian_accounts": _("guardian accounts")},
                "active": yes_no,
                "invited": yes_no,
                "activated": yes_no,
                "setup": {
                    "school": _("school data"),
                    "branch": _("branch"),
                    "school_year": _("school year"),
                    "group": _("group"),
                    "staff_member": _("staff member"),
                    "timetable": _("timetable"),
                },
                "action": {
                    "created": _("created"),
                    "changed": _("changed"),
                    "removed": _("removed"),
                    "reactivated": _("employed again"),
                },
                "change": {
                    "enrolled": _("pupil enrolled"),
                    "placed": _("placed in a group"),
                    "left": _("marked as left"),
                    "guardian_added": _("guardian added"),
                    "guardian_removed": _("guardian removed"),
                    "emergency_added": _("emergency number added"),
                    "emergency_changed": _("emergency number changed"),
                    "emergency_removed": _("emergency number removed"),
                    "emergency_moved": _("emergency number moved"),
                    "medical_changed": _("medical data changed"),
                    "photo_changed": _("photo changed"),
                    "photo_removed": _("photo removed"),
                },
            },
            models_with_fields=[
                Pupil,
                Guardian,
                Guardianship,
                EmergencyContact,
                MedicalInfo,
                School,
                Branch,
                SchoolYear,
                Group,
                StaffMember,
                TimetableEntry,
            ],
            field_name_keys=[
                "pupil_fields",
                "guardian_fields",
                "relation_fields",
                "setup_fields",
                "emergency_fields",
                "medical_fields",
            ],
        )
