"""The JSON API under /api/v1/. Every endpoint needs a personal API token (Bearer) and goes
through the same role table, access functions and services as the pages."""

from ninja import NinjaAPI

from klyngekart.api.activities import router as activities_router
from klyngekart.api.activity_feedback import router as activity_feedback_router
from klyngekart.api.auth import ApiTokenAuth
from klyngekart.api.barometer import router as barometer_router
from klyngekart.api.benchmark import router as benchmark_router
from klyngekart.api.cluster_settings import router as cluster_settings_router
from klyngekart.api.collaborations import router as collaborations_router
from klyngekart.api.company_register import router as company_register_router
from klyngekart.api.engagement import router as engagement_router
from klyngekart.api.errors import TextParser, install_error_handlers
from klyngekart.api.landscape import router as landscape_router
from klyngekart.api.me import router as me_router
from klyngekart.api.measures import router as measures_router
from klyngekart.api.members import router as members_router
from klyngekart.api.memberservices import router as memberservices_router
from klyngekart.api.needs import router as needs_router
from klyngekart.api.partners import router as partners_router
from klyngekart.api.people import router as people_router
from klyngekart.api.public import router as public_router
from klyngekart.api.reports import router as reports_router
from klyngekart.api.results import router as results_router
from klyngekart.api.rounds import router as rounds_router
from klyngekart.api.strategy import router as strategy_router
from klyngekart.api.surveys import router as surveys_router
from klyngekart.api.taxonomy import router as taxonomy_router
from klyngekart.api.webhooks import router as webhooks_router

api = NinjaAPI(
    title="Klyngekart API",
    parser=TextParser(),
    version="1",
    urls_namespace="api",
    auth=ApiTokenAuth(),
    description=(
        "Send a personal API token (made on your profile page) as `Authorization: Bearer <token>`. "
        "The token carries your roles: it can read and change what you can in the web pages. "
        'Errors are JSON: `{"detail": "..."}`; for 422 `detail` lists the fields at fault.'
    ),
)
install_error_handlers(api)
api.add_router("", me_router)
api.add_router("", cluster_settings_router)
api.add_router("", members_router)
api.add_router("", company_register_router)
api.add_router("", taxonomy_router)
api.add_router("", surveys_router)
api.add_router("", rounds_router)
api.add_router("", results_router)
api.add_router("", strategy_router)
api.add_router("", measures_router)
api.add_router("", memberservices_router)
api.add_router("", activities_router)
api.add_router("", benchmark_router)
api.add_router("", webhooks_router)
api.add_router("", activity_feedback_router)
api.add_router("", engagement_router)
api.add_router("", needs_router)
api.add_router("", landscape_router)
api.add_router("", collaborations_router)
api.add_router("", barometer_router)
api.add_router("", partners_router)
api.add_router("", reports_router)
api.add_router("", people_router)
# Public survey endpoints take a survey link token instead of an API token (auth=None there).
api.add_router("", public_router)
