"""The blocks editors build page bodies from: text, quotes and calls to action, listing cards, a live search, a
registry chart, questions and answers, and a guide's numbered steps, one template each.

The blocks that show the market read it when the page is rendered (through
:mod:`cms.block_selectors`), never from copies stored in the page: a listing
unpublished since it was chosen is left out, a stored search shows today's
results.
"""

from __future__ import annotations

import hashlib
import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from ip_registry.forms import FIRST_YEAR, last_year
from listings.models import Listing
from techmarket.regions import gbt2260

from .choices import delta_provinces
from .choosers import listing_chooser_viewset


class QuoteBlock(blocks.StructBlock):
    """A quotation with who said it."""

    text = blocks.TextBlock(label=_("quotation"))
    attribution = blocks.CharBlock(label=_("attribution"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "blocks/quote_block.html"
        preview_value = {"text": "让科技成果在长三角自由流动。", "attribution": "长三角技术转移市场"}


class CallToActionBlock(blocks.StructBlock):
    """A sentence and a button leading somewhere on the site or beyond."""

    text = blocks.CharBlock(label=_("text"), max_length=300)
    link_url = blocks.CharBlock(label=_("link"), max_length=500, help_text=_("An address such as /listings/."))
    link_text = blocks.CharBlock(label=_("button text"), max_length=60)

    class Meta:
        icon = "pick"
        label = _("Call to action")
        template = "blocks/call_to_action_block.html"
        preview_value = {"text": "发布您的专利与科技成果", "link_url": "/listings/", "link_text": "浏览技术"}


def technology_field_choices() -> list[tuple[str, str]]:
    """The active technology fields by code (what the search filters on), named in the page's language."""
    from techmarket.regions.models import TechnologyField

    return [(field.slug, str(field)) for field in TechnologyField.objects.active().order_by("position", "name_zh")]


class ListingChooserBlock(listing_chooser_viewset.get_block_class(name="ListingChooserBase", module_path="cms.blocks")):
    """One listing chosen in the admin's chooser; only a published listing is accepted."""

    @cached_property
    def field(self):
        return forms.ModelChoiceField(
            queryset=Listing.objects.published(),
            widget=self.widget,
            required=self._required,
            validators=self._validators,
            help_text=self._help_text,
            error_messages={"invalid_choice": _("This listing is not published: choose a published one.")},
        )


class ListingCardsBlock(blocks.StructBlock):
    """Listings an editor chose, shown as the site's listing cards; one unpublished since is left out."""

    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=200)
    listings = blocks.ListBlock(ListingChooserBlock(label=_("listing")), label=_("listings"), min_num=1, max_num=12)

    class Meta:
        icon = "doc-full"
        label = _("Listing cards")
        template = "blocks/listing_cards_block.html"

    def get_context(self, value, parent_context=None):
        from . import block_selectors

        context = super().get_context(value, parent_context=parent_context)
        context["listings"] = block_selectors.chosen_listings(value["listings"])
        return context

    def get_preview_value(self):
        newest = Listing.objects.published().order_by("-published_at", "-pk").values_list("pk", flat=True)[:3]
        return self.to_python({"heading": "精选技术", "listings": list(newest)})


class LiveSearchBlock(blocks.StructBlock):
    """A stored search shown as its current results (published listings), with a link to the full search."""

    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=200)
    text = blocks.CharBlock(
        label=_("search words"), required=False, max_length=200, help_text=_("Leave empty for the newest listings.")
    )
    province = blocks.ChoiceBlock(label=_("province"), choices=gbt2260.province_choices, required=False)
    technology_field = blocks.ChoiceBlock(label=_("technology field"), choices=technology_field_choices, required=False)
    count = blocks.IntegerBlock(label=_("how many"), default=4, min_value=1, max_value=12)

    class Meta:
        icon = "search"
        label = _("Live search")
        template = "blocks/live_search_block.html"
        preview_value = {"heading": "新能源技术", "text": "电池", "province": "", "technology_field": "", "count": 3}

    def get_context(self, value, parent_context=None):
        from . import block_selectors

        context = super().get_context(value, parent_context=parent_context)
        context["search"] = block_selectors.live_search(
            text=value["text"] or "",
            province=value["province"] or "",
            field=value["technology_field"] or "",
            count=value["count"] or 4,
        )
        return context


# A hard bound for the form; the real one is next year (checked in ``clean``, as the dashboard does).
LAST_YEAR = 2100


class RegistryChartBlock(blocks.StructBlock):
    """The registry's flows between the provinces or its transfers per year for a period, drawn with the
    dashboard's ECharts code, with the same numbers in a table beside the chart (readable without JavaScript)."""

    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=200)
    chart = blocks.ChoiceBlock(
        label=_("chart"),
        choices=[("flows", _("Flows between the provinces")), ("trend", _("Transfers per year"))],
        default="flows",
    )
    year_from = blocks.IntegerBlock(label=_("from year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    year_to = blocks.IntegerBlock(label=_("to year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    province = blocks.ChoiceBlock(
        label=_("province"),
        choices=delta_provinces,
        required=False,
        help_text=_("Only the transfers this province is on either side of."),
    )

    class Meta:
        icon = "table"
        label = _("Registry chart")
        template = "blocks/registry_chart_block.html"
        preview_value = {"heading": "", "chart": "flows", "year_from": 2021, "year_to": 2025, "province": ""}

    def clean(self, value):
        value = super().clean(value)
        if value["year_to"] > last_year():
            raise StructBlockValidationError(
                block_errors={
                    "year_to": ValidationError(
                        _("Enter a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": last_year()}
                    )
                }
            )
        if value["year_from"] > value["year_to"]:
            raise StructBlockValidationError(
                block_errors={"year_to": ValidationError(_("The last year must not come before the first."))}
            )
        return value

    def get_context(self, value, parent_context=None):
        from . import block_selectors

        context = super().get_context(value, parent_context=parent_context)
        chart = block_selectors.registry_chart(
            kind=value["chart"],
            year_from=value["year_from"],
            year_to=value["year_to"],
            province=value["province"] or "",
        )
        # An id the same on every rendering of the same settings (the page cache keeps identical HTML).
        settings = json.dumps([value["chart"], value["year_from"], value["year_to"], value["province"] or ""])
        chart_id = "registry-chart-" + hashlib.blake2s(settings.encode(), digest_size=5).hexdigest()
        context.update(
            chart=chart,
            chart_id=chart_id,
            data_id=f"{chart_id}-data",
            province_name=gbt2260.division_name(value["province"]) if value["province"] else "",
        )
        return context


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"), max_length=300)
    answer = blocks.RichTextBlock(label=_("answer"), features=["bold", "italic", "ol", "ul", "link"])

    class Meta:
        icon = "help"
        label = _("Question")


# What must not appear raw inside a <script> element: the JSON keeps its meaning, the HTML parser sees no tag.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def faq_structured_data(questions) -> str:
    """schema.org FAQPage JSON-LD for the questions, safe to write inside a <script> element."""
    data = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": item["question"],
                "acceptedAnswer": {"@type": "Answer", "text": str(item["answer"])},
            }
            for item in questions
        ],
    }
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))  # escaped above


class FAQBlock(blocks.StructBlock):
    """Questions and answers, each opening on a click (<details>), with FAQPage structured data for search engines."""

    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=200)
    questions = blocks.ListBlock(QuestionBlock(), label=_("questions"), min_num=1)

    class Meta:
        icon = "help"
        label = _("Questions and answers")
        template = "blocks/faq_block.html"
        preview_value = {
            "heading": "常见问题",
            "questions": [
                {
                    "question": "什么是开放许可？",
                    "answer": "<p>专利权人公开许可费和期限，任何单位书面通知并付费即可实施。</p>",
                },
                {"question": "先用后付如何收费？", "answer": "<p>企业先使用技术，取得收益后再按约定付费。</p>"},
            ],
        }

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["structured_data"] = faq_structured_data(value["questions"])
        return context


class BodyBlock(blocks.StreamBlock):
    """What a page's body is made of."""

    paragraph = blocks.RichTextBlock(
        label=_("Text"),
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"],
        icon="pilcrow",
        template="blocks/paragraph_block.html",
        preview_value="<p>长三角三省一市的专利与科技成果。</p>",
    )
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    listing_cards = ListingCardsBlock()
    live_search = LiveSearchBlock()
    registry_chart = RegistryChartBlock()
    faq = FAQBlock()


class StepBlock(blocks.StructBlock):
    """One step of a guide: what to do, then how."""

    title = blocks.CharBlock(label=_("step"), max_length=200)
    text = blocks.RichTextBlock(label=_("how"), features=["bold", "italic", "ol", "ul", "link"])

    class Meta:
        icon = "list-ol"
        label = _("Step")


class GuideBlock(BodyBlock):
    """A guide's body: what any page's body is made of, and numbered steps."""

    steps = blocks.ListBlock(
        StepBlock(),
        label=_("Steps"),
        icon="list-ol",
        template="blocks/steps_block.html",
        preview_value=[
            {"title": "声明开放许可", "text": "<p>在成果页面填写许可费和期限。</p>"},
            {"title": "企业取得许可", "text": "<p>书面通知并按公布的条件付费。</p>"},
        ],
    )
