"""Padding and unlinkability: the data (after 0007's schema).

- Each invitation gets its round. Should a round already hold an address twice (through two
  companies), the later invitations' address is erased: they stay valid (their links work, their
  counts stay), but nothing more is mailed to that address twice, and 0009 can make the address
  unique per round.
- Stored digests of what respondents hold become keyed (surveys/keyed.py): each response's
  submission key and each draft's token hash is replaced by the HMAC of the stored sha256, under a
  secret derived from SECRET_KEY, which is what the application computes from now on. The plain
  sha256 of a mailed token is gone from the database afterwards.
"""

from django.db import migrations
from django.utils.crypto import salted_hmac

BATCH = 500


def _keyed(purpose, value):  # type: ignore[no-untyped-def]
    # Frozen copy of klyngekart.surveys.keyed.keyed_digest: a migration must not change with the code.
    return salted_hmac(f"klyngekart.surveys.{purpose}", value, algorithm="sha256").hexdigest()


def _fill_rounds(apps, schema_editor):  # type: ignore[no-untyped-def]
    Invitation = apps.get_model("surveys", "RespondentInvitation")
    RoundCompany = apps.get_model("surveys", "RoundCompany")
    for part_id, round_id in RoundCompany.objects.values_list("pk", "round_id").iterator():
        Invitation.objects.filter(round_company_id=part_id).update(round_id=round_id)
    seen = set()
    later = []
    rows = Invitation.objects.exclude(email="").order_by("pk").values_list("pk", "round_id", "email")
    for pk, round_id, email in rows.iterator():
        if (round_id, email) in seen:
            later.append(pk)
        seen.add((round_id, email))
    for start in range(0, len(later), BATCH):
        Invitation.objects.filter(pk__in=later[start : start + BATCH]).update(email="")


def _rekey(apps, schema_editor):  # type: ignore[no-untyped-def]
    for model_name, field, purpose in (
        ("Response", "submission_key", "submission-key"),
        ("ResponseDraft", "token_hash", "draft-token"),
    ):
        model = apps.get_model("surveys", model_name)
        rows = model.objects.order_by("pk")
        last = None
        # In pages of BATCH by primary key, so a national database is not read into memory at once
        # and no cursor stays open on the table being written.
        while True:
            page = list((rows.filter(pk__gt=last) if last is not None else rows)[:BATCH].only("pk", field))
            if not page:
                break
            for row in page:
                setattr(row, field, _keyed(purpose, getattr(row, field)))
            model.objects.bulk_update(page, [field])
            last = page[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0007_padding_and_unlinkability"),
    ]

    operations = [
        migrations.RunPython(_fill_rounds, migrations.RunPython.noop),
        migrations.RunPython(_rekey, migrations.RunPython.noop),
    ]
