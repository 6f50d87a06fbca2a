"""Forms of the admin's review screens. They validate input; the model methods decide."""

from django import forms
from django.core.exceptions import ValidationError

from curation.models import Action, Citation, Claim, StaleVersion
from curation.validators import reject_control_characters

# The model refuses these without a comment too; asking up front on the form
# means a bulk action reports a missing comment once, not once per claim.
COMMENT_REQUIRED = {Action.REJECT, Action.REQUEST_CHANGES, Action.RETIRE}
# The fields Claim.edit() changes, besides the citations and the mentioned genes.
EDIT_FIELDS = ["section", "text", "evidence_type", "organism"]


class PlainTextField(forms.CharField):
    """Text a person typed: control characters are refused (curation.validators)."""

    default_validators = [reject_control_characters]


class ClaimTextField(PlainTextField):
    """Browsers send CRLF line ends, the text is stored with LF: an untouched text is unchanged."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


class ClaimAdminForm(forms.ModelForm):
    text = ClaimTextField(
        required=False, widget=forms.Textarea(attrs={"rows": 6, "class": "vLargeTextField"})
    )
    # The version the form was opened at, handed back to Claim.edit() on save.
    seen_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Claim
        fields = ["gene", *EDIT_FIELDS, "mentioned_genes"]
        field_classes = {"organism": PlainTextField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version
            self.fields["seen_version"].required = True

    def clean(self):
        cleaned_data = super().clean()
        seen = cleaned_data.get("seen_version")
        # The instance was read when this POST arrived. Claim.edit() checks the
        # version again when it writes, for a change that lands in between.
        if self.instance.pk and seen is not None and seen != self.instance.version:
            raise ValidationError(StaleVersion(self.instance, seen).message, code="stale_version")
        return cleaned_data


class CitationInlineForm(forms.ModelForm):
    position = forms.IntegerField(
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "vIntegerField"}),  # no inline style (CSP)
        help_text="Blank: after the others.",
    )

    class Meta:
        model = Citation
        fields = ["position", "reference", "stance", "locator", "quote"]
        widgets = {"quote": forms.TextInput(attrs={"size": 40})}
        field_classes = {"locator": PlainTextField, "quote": PlainTextField}


class DecisionForm(forms.Form):
    comment = PlainTextField(
        required=False, widget=forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField"})
    )
    override_reason = PlainTextField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"}),
        help_text="Only to approve although a cited reference is unresolved or retracted: say why.",
    )
    # The version the reviewer read; empty in bulk actions, which act on the current one.
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = action in COMMENT_REQUIRED
        if action != Action.APPROVE:
            del self.fields["override_reason"]
