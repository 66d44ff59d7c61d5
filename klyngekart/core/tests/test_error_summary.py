"""Every long form that comes back with errors lists them at the top, each a link to its field:
the member form, the survey round form and the measure form (its own test) render through the
shared form template; the strategy form includes the summary itself (needs tests)."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from klyngekart.core.forms import DsForm
from klyngekart.core.templatetags.error_summary import error_links

pytestmark = pytest.mark.django_db


class _Long(DsForm):
    name = forms.CharField()
    email = forms.EmailField()
    kinds = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple)
    one = forms.CharField(required=False)
    two = forms.CharField(required=False)

    def clean(self):  # type: ignore[no-untyped-def]
        raise forms.ValidationError("The form as a whole is wrong.")


def test_error_links_point_at_each_input_and_a_group_at_its_first_box() -> None:
    form = _Long({"email": "nope"})
    assert not form.is_valid()
    links = error_links(form)
    assert links[0] == {"href": "", "label": "", "message": "The form as a whole is wrong."}
    assert [link["href"] for link in links[1:]] == ["id_name", "id_email", "id_kinds_0"]
    html = str(form)
    assert html.index('id="kk-error-summary"') < html.index('name="name"')
    assert 'href="#id_kinds_0"' in html and 'id="id_kinds_0"' in html


def _summary(body: str) -> str:
    assert 'id="kk-error-summary"' in body
    return body.split('id="kk-error-summary"')[1].split("</div>")[0]


def test_the_member_form_has_the_summary(world, login, english) -> None:
    body = login(world.users["manager"]).post(
        reverse("members:create", args=[world.cluster.slug]), {"org_number": "12", "contact_email": "nope"}
    )
    summary = _summary(body.content.decode())
    assert 'href="#id_org_number"' in summary and 'href="#id_contact_email"' in summary


def test_the_round_form_has_the_summary(world, login, english) -> None:
    response = login(world.users["manager"]).post(
        reverse("rounds:create", args=[world.cluster.slug]), {"title": ""}
    )
    summary = _summary(response.content.decode())
    assert 'href="#id_title"' in summary
