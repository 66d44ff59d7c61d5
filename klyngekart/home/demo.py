"""Builds the demo cluster. Used by ``manage.py demo``; idempotent by construction.

The plan (who, what, when) is drawn from a fixed seed before the database is touched, so a
second run makes the same decisions and every write is a get-or-create that finds the row the
first run made. Audit rows are only written for objects created in this run, so a second run
adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from klyngekart.accounts.models import ClusterRole, CompanyRole, User
from klyngekart.barometer.demo import build_barometer
from klyngekart.core.audit import audit_log
from klyngekart.core.models import AuditLog, Cluster
from klyngekart.core.tenancy import scope
from klyngekart.home import demo_data as data
from klyngekart.home.demo_activities import build_activities
from klyngekart.home.demo_benchmark import build_benchmark
from klyngekart.home.demo_collaborations import build_collaborations
from klyngekart.home.demo_engagement import build_engagement
from klyngekart.home.demo_mapping import MappingContext, build_mapping
from klyngekart.home.demo_measures import build_measures
from klyngekart.home.demo_partners import build_partners
from klyngekart.home.demo_services import build_member_services
from klyngekart.landscape.demo import load_demo_directory
from klyngekart.members.models import Company, Contact, Membership, MembershipStatus
from klyngekart.members.validators import org_number_check_digit

MEMBERSHIP_CREATED = "members.membership.created"


@dataclass(frozen=True)
class ContactPlan:
    name: str
    email: str
    phone: str
    title: str
    is_primary: bool


@dataclass(frozen=True)
class CompanyPlan:
    company: data.DemoCompany
    org_number: str
    website: str
    status: str
    tier: str
    annual_fee: Decimal
    joined_on: date
    left_on: date | None
    contacts: list[ContactPlan] = field(default_factory=list)


@dataclass
class DemoResult:
    cluster: Cluster
    created: dict[str, int]
    users: list[data.DemoUser]


def org_numbers(rng: random.Random, count: int) -> list[str]:
    """Distinct nine-digit numbers with a valid MOD11 check digit, in the 9xx xxx xxx range that
    Brønnøysund gives to companies (fictional: drawn at random, never looked up)."""
    numbers: list[str] = []
    while len(numbers) < count:
        body = f"{rng.randint(91_000_000, 99_999_999):08d}"
        check = org_number_check_digit(body)
        number = f"{body}{check}"
        if check is not None and number not in numbers:
            numbers.append(number)
    return numbers


def _contact_plans(rng: random.Random, company: data.DemoCompany, host: str) -> list[ContactPlan]:
    if company.name == data.LOGIN_COMPANY:
        contact = next(user for user in data.USERS if user.key == "contact")
        return [ContactPlan(contact.full_name, contact.email, "+47 912 34 567", "HR-leder", True)]
    plans = []
    titles = rng.sample(data.TITLES, 2)
    for index in range(rng.choice((1, 1, 2))):
        first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
        local = data.ascii_words(f"{first} {last}", ".")
        phone = f"+47 9{rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(100, 999)}"
        plans.append(ContactPlan(f"{first} {last}", f"{local}@{host}", phone, titles[index], index == 0))
    return plans


def build_plan(today: date) -> list[CompanyPlan]:
    """Every company's data and membership story, decided from the seed alone."""
    # Not for secrets: a seeded generator is what makes the demo the same on every run.
    rng = random.Random(data.SEED)  # noqa: S311
    numbers = org_numbers(rng, len(data.COMPANIES))
    start_of_year = date(today.year, 1, 1)
    plans = []
    for company, org_number in zip(data.COMPANIES, numbers, strict=True):
        host = f"{data.slugify_company(company.name)}.example.no"
        if company.name in data.NEW_THIS_YEAR:
            joined_on = start_of_year + timedelta(days=rng.randint(0, max((today - start_of_year).days, 0)))
        else:
            # Up to eight years back, but before this year so the "new" figure stays meaningful.
            joined_on = today - timedelta(
                days=rng.randint(max((today - start_of_year).days + 1, 60), 8 * 365)
            )
        status, left_on = MembershipStatus.ACTIVE.value, None
        if company.name in data.LEFT:
            status = MembershipStatus.LEFT.value
            # Half of those who left did so this year, the rest some time after joining.
            if data.LEFT.index(company.name) % 2 == 0:
                left_on = max(start_of_year, joined_on) + timedelta(days=rng.randint(0, 20))
                left_on = min(left_on, today)
            else:
                left_on = joined_on + timedelta(
                    days=rng.randint(200, max((start_of_year - joined_on).days, 201))
                )
                left_on = min(left_on, start_of_year - timedelta(days=1))
        elif company.name in data.PAUSED:
            status = MembershipStatus.PAUSED.value
        tier, fee = data.tier_and_fee(company.employees)
        plans.append(
            CompanyPlan(
                company=company,
                org_number=org_number,
                website=f"https://{host}",
                status=status,
                tier=tier,
                annual_fee=Decimal(fee),
                joined_on=joined_on,
                left_on=left_on,
                contacts=_contact_plans(rng, company, host),
            )
        )
    return plans


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=timezone.get_current_timezone())


def _backdate(entry: AuditLog, when: datetime) -> None:
    # created_at is auto_now_add; the demo tells a story over years, so it is set afterwards
    # (never in the future: a join "today at ten" may be later than now).
    AuditLog.objects.filter(pk=entry.pk).update(created_at=min(when, timezone.now()))


def _audit(
    cluster: Cluster, actor: Any, action: str, when: datetime, target: Model | None = None, **extra: Any
) -> None:
    _backdate(audit_log(cluster=cluster, actor=actor, action=action, target=target, data=extra), when)


def _user(spec: data.DemoUser, created: dict[str, int]) -> User:
    user = User.objects.filter(email=spec.email).first()
    if user is None:
        if spec.role == "admin":
            user = User.objects.create_superuser(spec.email, data.PASSWORD, full_name=spec.full_name)
        else:
            user = User.objects.create_user(spec.email, data.PASSWORD, full_name=spec.full_name)
        created["users"] += 1
    _address, made = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if not made and not (_address.verified and _address.primary):
        _address.verified = _address.primary = True
        _address.save(update_fields=["verified", "primary"])
    return user


@transaction.atomic
def build_demo(today: date | None = None) -> DemoResult:
    today = today or timezone.localdate()
    now = timezone.now()
    created = {"clusters": 0, "users": 0, "companies": 0, "memberships": 0, "contacts": 0, "roles": 0}
    cluster, cluster_created = Cluster.objects.get_or_create(
        slug=data.CLUSTER["slug"], defaults={k: v for k, v in data.CLUSTER.items() if k != "slug"}
    )
    created["clusters"] += int(cluster_created)
    users = {spec.key: _user(spec, created) for spec in data.USERS}
    manager, staff = users["manager"], users["staff"]
    plans = build_plan(today)

    with scope(cluster):
        if cluster_created:
            _audit(
                cluster,
                users["admin"],
                "core.cluster.created",
                _at(today - timedelta(days=8 * 365 + 30)),
                cluster,
            )

        login_membership: Membership | None = None
        for index, plan in enumerate(plans):
            company = Company.objects.filter(org_number=plan.org_number).first()
            if company is None:
                company = Company(
                    org_number=plan.org_number,
                    name=plan.company.name,
                    nace_code=plan.company.nace,
                    employees=plan.company.employees,
                    municipality=plan.company.municipality,
                    region=plan.company.region,
                    website=plan.website,
                )
                company.full_clean()
                company.save()
                created["companies"] += 1
            membership, made = Membership.objects.get_or_create(
                cluster=cluster,
                company=company,
                defaults={
                    # The demo cluster records each company as the plan describes it.
                    "name": plan.company.name,
                    "nace_code": plan.company.nace,
                    "employees": plan.company.employees,
                    "municipality": plan.company.municipality,
                    "region": plan.company.region,
                    "website": plan.website,
                    "status": plan.status,
                    "tier": plan.tier,
                    "annual_fee": plan.annual_fee,
                    "joined_on": plan.joined_on,
                    "left_on": plan.left_on,
                },
            )
            if made:
                created["memberships"] += 1
                actor = manager if index % 3 else staff
                _audit(
                    cluster,
                    actor,
                    MEMBERSHIP_CREATED,
                    _at(plan.joined_on),
                    membership,
                    company=company.identifier,
                    existing_company=False,
                )
                if plan.left_on:
                    _audit(
                        cluster,
                        manager,
                        "members.membership.ended",
                        _at(plan.left_on, 14),
                        membership,
                        **{"from": "active", "to": plan.status, "on": plan.left_on.isoformat()},
                    )
                elif plan.status == MembershipStatus.PAUSED:
                    paused_at = now - timedelta(days=40 + index)
                    _audit(
                        cluster,
                        staff,
                        "members.membership.paused",
                        paused_at,
                        membership,
                        **{"from": "active", "to": plan.status, "on": paused_at.date().isoformat()},
                    )
            for contact_plan in plan.contacts:
                contact, contact_made = Contact.objects.get_or_create(
                    cluster=cluster,
                    membership=membership,
                    email=contact_plan.email,
                    defaults={
                        "name": contact_plan.name,
                        "phone": contact_plan.phone,
                        "title": contact_plan.title,
                        "is_primary": contact_plan.is_primary,
                    },
                )
                created["contacts"] += int(contact_made)
                if contact_made and made and index % 9 == 4:
                    _audit(
                        cluster,
                        staff,
                        "members.contact.created",
                        now - timedelta(days=index % 30, hours=3),
                        contact,
                        membership=membership.pk,
                    )
            if made and index % 11 == 7:
                _audit(
                    cluster,
                    manager,
                    "members.company.updated",
                    now - timedelta(days=index % 20, hours=5),
                    company,
                    changed={
                        "employees": [company.employees - 2 if company.employees else 0, company.employees]
                    },
                )
            if plan.company.name == data.LOGIN_COMPANY:
                login_membership = membership

        for spec in data.USERS:
            user = users[spec.key]
            role: Model | None = None
            if spec.role in {"manager", "staff", "advisor", "board"}:
                role, made = ClusterRole.objects.get_or_create(
                    cluster=cluster, user=user, defaults={"role": spec.role}
                )
            elif spec.role in {"contact", "member"} and login_membership is not None:
                role, made = CompanyRole.objects.get_or_create(
                    cluster=cluster, company=login_membership.company, user=user, defaults={"role": spec.role}
                )
            else:
                continue
            if made:
                created["roles"] += 1
                _audit(
                    cluster,
                    manager if spec.key != "manager" else users["admin"],
                    "accounts.role.granted",
                    now - timedelta(days=12 - USER_ORDER.index(spec.key), hours=2),
                    role,
                    user=user.email,
                    role=spec.role,
                )
        if login_membership is not None:
            context = MappingContext(
                cluster=cluster,
                manager=manager,
                contact=users["contact"],
                login_membership=login_membership,
                today=today,
                created=created,
            )
            build_mapping(context)
            build_measures(context)
            build_member_services(context)
            build_activities(context)
            build_benchmark(context)
            build_partners(context)
            build_engagement(context)
            build_barometer(cluster, today)
    # The cluster landscape: 300 fictional European cluster profiles (installation-wide).
    created["cluster_profiles"] = load_demo_directory()
    if login_membership is not None:
        # The pipeline's partners are profiles of the directory, made just above.
        with scope(cluster):
            build_collaborations(context)
    return DemoResult(cluster=cluster, created=created, users=data.USERS)


USER_ORDER = [spec.key for spec in data.USERS]
