"""The read side of released round figures: the one door every other module uses.

A round's answers become figures once, when it closes (``release``). Everything shown of them, on
a page, in a chart, a PDF, an XLSX, the API, the needs analysis, a measure or a strategy suggestion,
comes through the names below. They own the loading, the pooling of small companies, segments, the
k rule (built on ``klyngekart/core/privacy.py``) and the free text. No module outside
``klyngekart.surveys`` reads the aggregate tables or a name starting with an underscore here.

- ``release``: the release at close, ``NotReleased``, the release's name for caches;
- ``aggregates``: the sums a release holds, their arithmetic (``tally``) and the proof (``rebuild``);
- ``core``: the k-rule arithmetic, loading, the cached round summary, a company's results;
- ``cluster``: the cluster's results, its segments and the listing of companies;
- ``cells``: cross-company cells (a company's figure per area, the pooled cell, segments of
  companies) for the needs analysis;
- ``questions``: priorities, Likert and NPS summaries, free text and a company's trend;
- ``scales``: round-level means of Likert and NPS questions per segment, and the NPS (member surveys);
  means and choice counts pooled over several rounds (the activities' feedback);
- ``membership``: what other modules ask about one company (its needs, suggested priorities);
- ``barometer``: a cluster's released per-company area sums for the national barometer;
- ``impact``: the difference in differences of participants' gaps against the others';
- ``company_page``: what a company's results page and its PDF show (the reports app prints it);
- ``fragments``: rendered sections of a released round's pages, cached by the release;
- ``scrub``: free text without contact details or names; ``views``/``urls``: the results pages.
"""

from klyngekart.surveys.results.barometer import (
    CompanyAreaSums,
    barometer_rounds,
    barometer_sums,
    national_area_codes,
)
from klyngekart.surveys.results.cells import (
    SEGMENT_KINDS,
    CompanyCells,
    CompanyInfo,
    build_company_cells,
    company_cells,
    mean_gap,
    pool_cell,
    quantize,
    round_companies,
    segment_cells,
    segment_groups,
    segment_label,
    segment_labels,
    segment_value,
)
from klyngekart.surveys.results.cluster import ClusterResults, cluster_results, company_listing
from klyngekart.surveys.results.company_page import company_page
from klyngekart.surveys.results.core import (
    CACHE_SECONDS,
    AreaFigures,
    AreaRow,
    CompanyResults,
    RoundData,
    RoundSummary,
    SegmentResult,
    access_results_company,
    access_results_company_by_org_number,
    access_results_round,
    company_results,
    count_cell,
    hidden_reason,
    mapping_round_filter,
    rate_cell,
    remainder_ok,
    results_rounds,
    round_areas,
    round_cache_key,
    round_summary,
    segment_questions,
    viewer_companies,
    visible_parts,
)
from klyngekart.surveys.results.fragments import ReleasedFragment, released_fragment
from klyngekart.surveys.results.impact import (
    GroupFigure,
    Impact,
    ImpactArea,
    ImpactGroup,
    ImpactReader,
    alongside,
    impact,
    impact_groups,
    impact_rounds,
    mapping_rounds,
    register_impact_source,
)
from klyngekart.surveys.results.membership import (
    Suggestion,
    companies_with_need,
    company_need_areas,
    suggested_areas,
)
from klyngekart.surveys.results.questions import (
    Comment,
    company_scale_summaries,
    company_top_priorities,
    company_trend,
    free_text_questions,
    free_texts,
)
from klyngekart.surveys.results.release import (
    NotReleased,
    ReleaseState,
    is_released,
    release_progress,
    release_state,
    release_version,
)
from klyngekart.surveys.results.scales import (
    ROUND,
    NpsFigure,
    ScaleFigure,
    nps_of,
    pooled_choice_counts,
    pooled_scale_means,
    released_rounds,
    round_nps,
    round_nps_groups,
    round_scale_means,
)

__all__ = [
    "CompanyAreaSums",
    "barometer_rounds",
    "barometer_sums",
    "national_area_codes",
    "ROUND",
    "NpsFigure",
    "ScaleFigure",
    "nps_of",
    "pooled_choice_counts",
    "pooled_scale_means",
    "mapping_rounds",
    "round_nps",
    "round_nps_groups",
    "round_scale_means",
    "CACHE_SECONDS",
    "SEGMENT_KINDS",
    "AreaFigures",
    "AreaRow",
    "ClusterResults",
    "Comment",
    "GroupFigure",
    "Impact",
    "ImpactArea",
    "ImpactGroup",
    "alongside",
    "impact_groups",
    "register_impact_source",
    "ImpactReader",
    "CompanyCells",
    "CompanyInfo",
    "CompanyResults",
    "NotReleased",
    "ReleasedFragment",
    "ReleaseState",
    "RoundData",
    "RoundSummary",
    "SegmentResult",
    "Suggestion",
    "access_results_company",
    "access_results_company_by_org_number",
    "access_results_round",
    "build_company_cells",
    "cluster_results",
    "companies_with_need",
    "company_cells",
    "company_listing",
    "company_need_areas",
    "company_page",
    "company_results",
    "company_scale_summaries",
    "company_top_priorities",
    "company_trend",
    "count_cell",
    "free_text_questions",
    "free_texts",
    "hidden_reason",
    "mapping_round_filter",
    "impact",
    "impact_rounds",
    "is_released",
    "mean_gap",
    "pool_cell",
    "quantize",
    "rate_cell",
    "release_progress",
    "release_state",
    "release_version",
    "released_rounds",
    "released_fragment",
    "remainder_ok",
    "results_rounds",
    "round_areas",
    "round_cache_key",
    "round_companies",
    "round_summary",
    "segment_cells",
    "segment_groups",
    "segment_label",
    "segment_labels",
    "segment_questions",
    "segment_value",
    "suggested_areas",
    "viewer_companies",
    "visible_parts",
]
