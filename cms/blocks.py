"""The blocks editors build page bodies from: text, quotes and calls to action, and a guide's numbered steps, one
template each."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


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
