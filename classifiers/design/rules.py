"""The phrases in which authors name their own study's design, as rules over a `TextView`.

Phrase rules come in two strengths. Every rule is a feature of the text model; the few marked
`decisive` also settle the label outright, because an author who writes "a systematic review and
meta-analysis" in the title is more reliable than any model trained on a few dozen reviews.
A decisive rule added after the shipped model was trained is not yet one of its columns
(`column=False`): it decides outright all the same, and joins the columns at the next retrain."""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import ahocorasick
from litwatch.classifiers.design.text import TextView


# Compared and hashed by identity (each rule is one constant of this module): rules key the
# `Fired` dicts, and hashing the fields would hash each compiled pattern's code every time.
@dataclass(frozen=True, eq=False)
class PhraseRule:
    """A phrase an author writes about their own design; `where` is "title" or "text"."""

    name: str
    label: str
    pattern: re.Pattern[str]
    where: str = "text"
    decisive: bool = False
    cues: tuple[str, ...] = ()  # plain substrings, one of which must occur for the regex to run
    unless: tuple[str, ...] = ()  # names of rules that, firing too, keep this one from deciding
    needs: tuple[str, ...] = ()  # if any: names of rules one of which must fire too to decide
    # Whether the rule is a feature column of the text model. The shipped model's columns are
    # the rules it was trained with; a decisive rule added since decides without one until the
    # model is retrained (then drop `column=False`: retraining reads it as a feature).
    column: bool = True

    def search(
        self, view: TextView, present: Mapping[str, Sequence[int]] | None = None
    ) -> re.Match[str] | None:
        """The phrase in the view's title or text, if the rule fires. `present`, if given, is
        `cues_in(view)`, found once for all the rules."""
        if self.where == "title":
            source = view.title
            if self.cues and not _holds_cue(source, self.cues):
                return None
            return self.pattern.search(source)
        if not self.cues:
            return self.pattern.search(view.text)
        if present is None:
            present = cues_in(view)
        held = [present[cue] for cue in self.cues if cue in present]
        if not held:
            return None
        # Phrases sit inside one sentence, so only the sentences holding a cue are searched
        # (scanning whole abstracts with a dozen-way pattern was most of the model's time),
        # each once, in order.
        sentences = view.sentences
        for index in held[0] if len(held) == 1 else sorted(set().union(*held)):
            match = self.pattern.search(sentences[index])
            if match:
                return match
        return None


def _holds_cue(text: str, cues: Collection[str]) -> bool:
    # A plain loop: any() over a generator costs more than the substring tests themselves.
    for cue in cues:
        if cue in text:
            return True
    return False


def _rule(
    name: str,
    label: str,
    regex: str,
    where: str = "text",
    decisive: bool = False,
    cues: tuple[str, ...] = (),
    unless: tuple[str, ...] = (),
    starts_on: str = "",
    column: bool = True,
    needs: tuple[str, ...] = (),
) -> PhraseRule:
    # `starts_on`: what every match begins with (a character class, or a word boundary before
    # one). Python's regex engine tries each alternative at each position; a lookahead on it
    # rejects most positions in one test, which matters for the long alternations run on every
    # sentence that says "random".
    if starts_on:
        regex = f"(?={starts_on})(?:{regex})"
    return PhraseRule(name, label, re.compile(regex), where, decisive, cues, unless, needs, column)


# A report of randomised allocation settles `rct` unless the paper reviews trials or is a
# protocol. A secondary or post-hoc analysis of a trial's participants is not an exception: NLM
# indexes it with the trial's own publication type, so the mapping calls it `rct` too (13 of the
# 17 PubMed-labelled records that are both are so indexed).
_NOT_A_TRIAL_REPORT = (
    "PRISMA",
    "literature search",
    "pooled estimate",
    "studies included",
    "review in title",
    "protocol wording",
    "own commentary",
)

# Evidence that a paper synthesises others' studies, which keeps review wording from deciding
# `narrative-review` (systematic reviews say "this review" too).
_SYNTHESIS = ("PRISMA", "literature search", "pooled estimate", "studies included")

# Any sign of random allocation keeps a trial from being called non-randomised.
_RANDOMISED = (
    "randomised allocation",
    "randomised design",
    "randomised trial",
    "blinding",
    "randomised trial in title",
    "trial participants",
)

# The authors saying that their own participants were randomly allocated: no topic phrase in
# the title (a guideline being implemented, say) overrides it.
_OWN_RANDOMISATION = ("randomised allocation", "randomised design", "randomised trial in title")

# What leaves a cross-sectional or cohort design the authors seem to name to another design: a
# review's words (its included studies name designs too), the authors' own random allocation,
# and case-control wording (a case-control study nested in a cohort or survey is one).
_NOT_OWN_SURVEY_OR_COHORT = (
    *_SYNTHESIS,
    *_OWN_RANDOMISATION,
    "own review",
    "review format",
    "review in title",
    "own case-control",
    "case-control wording",
)

# "randomised" but not "non-randomised", "quasi-randomised", "Mendelian randomisation" (genetic
# instruments, not allocation), "pseudo-randomised" (an order of stimuli), "lack of
# randomisation" or an observational design "emulating randomised trials".
# The lookahead on the word itself comes first: it fails at once almost everywhere, where ten
# lookbehinds tried at every word were a third of the time of the rules that use this.
_RANDOMI = (
    r"(?=randomi[sz])(?<!non-)(?<!quasi-)(?<!semi-)(?<!pseudo-)(?<!mendelian )(?<!lack of )"
    r"(?<!without )(?<!emulated )(?<!emulating )(?<!emulate )randomi[sz]"
)
# One word of a phrase, apostrophes and slashes included ("parallel groups’ randomized").
_WORD = r"[\w'’/×]+"
# Who is randomised, in the words abstracts use.
_PARTICIPANTS = (
    r"(patients|participants|subjects|women|men|children|adults|volunteers|individuals|infants"
    r"|neonates|persons|people)"
)
# Words that compare the authors' results with trials, or call for a trial, rather than name
# their own design ("our data confirm randomized trial data", "this should be tested in a
# randomized trial").
_AGREES = (
    r"(confirms?|supports?|agrees?|consistent|similar|compared|than|like|be|should|must|would"
    r"|could|needs?|needed|warrants?|requires?)\b"
)
# "A randomized selection of centres" samples; it does not allocate.
_NOT_SAMPLING = r"(?! (selection|samples?|sampling)\b)"
_NUMBER = r"(a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+)"
# A count as abstracts write it, in digits or words ("12", "1,204", "four", "twenty-one").
_COUNT = (
    r"(\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen"
    r"|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)"
)
# What a review counts: the studies it found and kept.
_STUDIES = r"(studies|trials|rcts|articles|papers|publications|reports|reviews|meta-analyses)"
# The kinds of cohort authors name their own as.
_COHORT_KIND = (
    r"(retrospective|prospective|population-based|community-based|hospital-based"
    r"|register-based|registry-based|nationwide|national|longitudinal|historical|observational"
    r"|multi-?cent(er|re)|single-cent(er|re)|(propensity[- ]score[- ]|propensity[- ])?matched"
    r"|inception|birth|occupational)"
)
# The laboratory animals experiments name, and their strains.
_ANIMALS = (
    r"(rats|mice|rodents|rabbits|pigs|piglets|swine|minipigs|dogs|beagles|hamsters|gerbils"
    r"|guinea pigs|zebrafish|sheep|ewes|lambs|monkeys|macaques|marmosets|animals)"
)
_STRAIN = (
    r"(sprague[- ]dawley|wistar|long[- ]evans|fischer|c57bl/?6\w*|c57|balb/c|db/db|ob/ob|nude"
    r"|apoe-/-|ldlr-/-|zucker|goto-kakizaki|otsuka|swiss|albino|kunming|icr|nmri|cd-1|sd)"
)
# Words that hold one of the animals' names, for the rules that look for them.
_ANIMAL_CUES = (
    "rats",
    "mice",
    "rodents",
    "rabbits",
    "pigs",
    "piglets",
    "swine",
    "dogs",
    "beagles",
    "hamsters",
    "gerbils",
    "zebrafish",
    "sheep",
    "ewes",
    "lambs",
    "monkeys",
    "macaques",
    "marmosets",
    "animals",
    "streptozotocin",
    "stz",
    "alloxan",
)
_PERSON = (
    r"(man|woman|men|women|male|female|boy|girl|patient|child|infant|neonate|newborn|baby"
    r"|gentleman|lady|primigravida|multigravida)"
)


# Decisive rules are tried in this order; the first that fires sets the label.
PHRASE_RULES: tuple[PhraseRule, ...] = (
    _rule(
        "protocol in title",
        "protocol",
        r"\b(study|trial|review) protocol\b|\bprotocol (for|of) an?\b|: (a |the )?protocol\b"
        r"|\brationale and (study )?design\b|\bdesign and rationale\b"
        r"|(^|: )(the )?design of (a|an|the) (\w+[ ,-]+){0,5}(trial|study)\b",
        "title",
        decisive=True,
        cues=("protocol", "rationale", "design of"),
    ),
    _rule(
        "meta-analysis in title",
        "meta-analysis",
        r"\bmeta-?analy[sz]|\bmeta-?regression|\bpooled analysis of (\w+ ){0,3}(trials|studies)",
        "title",
        decisive=True,
        cues=("meta", "pooled"),
    ),
    _rule(
        "systematic review in title",
        "systematic-review",
        # One review of the authors' own, not papers about systematic reviews ("librarian time
        # spent on systematic review tasks", "searching in systematic reviews").
        r"\bsystematic (literature )?review\b(?! (process|tasks?|methods?|methodology|teams?))"
        r"|\b(overview|review) of systematic reviews\b|\bscoping review\b|\bumbrella review"
        r"|\bcochrane review",
        "title",
        decisive=True,
        cues=("systematic", "scoping", "umbrella", "cochrane"),
    ),
    _rule(
        "guideline in title",
        "guideline",
        # The guideline itself ("ACG clinical guideline: ...", "Guidelines for the management
        # of ..."), not a study of following one ("adherence to guidelines").
        r"^(the )?([\w/&-]+ ){0,5}(clinical (practice )?|practice |consensus )?guidelines?"
        r"( \d{4})?(:|\.?$)"
        r"|^(\w+ ){0,3}guidelines? (for|on) (the )?(\w+[ ,-]+){0,3}(management|diagnosis|treatment"
        r"|prevention|use|care|screening|assessment|evaluation)\b"
        r"|: (an? |the )?(updated |revised |international |joint |\d{4} )*([\w/&-]+ ){0,3}"
        r"(guidelines?|consensus statement|position statement|practice parameter)\.?$"
        r"|\bconsensus (statement|guidelines?|recommendations)\b|\bposition statement\b"
        r"|\bpractice parameter\b",
        "title",
        decisive=True,
        cues=("guideline", "consensus", "position statement", "practice parameter"),
        unless=_OWN_RANDOMISATION,
    ),
    _rule(
        "own recommendations",
        "guideline",
        # A guideline's own recommendations, graded as guidelines grade them ("we recommend
        # ... (strong recommendation, moderate-certainty evidence)"), or its panel speaking
        # ("the task force recommends"); not a study's conclusion that "we recommend screening".
        r"\b(strong|weak|conditional|discretionary|good practice) recommendations?\b"
        r"|\b(the|this|our) (\w+[ ,-]+){0,3}(panel|task force|working group|committee"
        r"|guideline (development )?group|consensus (group|panel)) (\w+ ){0,2}"
        r"((recommends|suggests|endorses)\b|(issued|formulated|developed|drafted|agreed on"
        r"|reached consensus on) (\w+[ ,-]+){0,3}(recommendations|statements|guidance"
        r"|guidelines)\b)"
        r"|\b(this|these|the present) (\w+[ ,-]+){0,2}(guidelines?|guidance|consensus statement"
        r"|position statement|practice parameter|recommendations) (\w+ ){0,2}(provides?|presents?"
        r"|offers?|updates?|replaces?|summari[sz]es?|addresses|covers?|focus(es)? on"
        r"|(is|are|was|were) (intended|designed|developed|written|based|meant))\b",
        decisive=True,
        cues=(
            "recommend",
            "guideline",
            "guidance",
            "consensus",
            "position statement",
            "practice parameter",
            "panel",
            "task force",
            "working group",
            "committee",
        ),
        unless=_OWN_RANDOMISATION,
    ),
    _rule(
        "recommendations in title",
        "guideline",
        # "Recommendations of the Advisory Committee ...", "... : expert recommendations".
        r"\brecommendations (of|from|by) (the|a|an) ([\w/&-]+[ ,]+){0,6}(panel|task force"
        r"|working group|society|committee|association|college|council|academy|federation"
        r"|consensus|group|network|organi[sz]ation|conference|board|commission)\b"
        r"|\b(expert|joint|evidence-based|updated|international|national) recommendations\b",
        "title",
        decisive=True,
        cues=("recommendations",),
        unless=_OWN_RANDOMISATION,
    ),
    _rule(
        "case report in title",
        "case-report",
        r"\bcase reports?\b|\ba case of\b|\bcase presentation\b|\ba rare case\b|\bcase study\b"
        # "case" never as the start of "case-control".
        r"|\breport of (a|an|two|three|four|five|\d+) (\w+ ){0,2}cases?\b(?!-)|: a case\b(?!-)"
        r"|\bcase series\b|\bcases? and (a )?review of\b|\bcase-based (review|update)\b",
        "title",
        decisive=True,
        cues=("case",),
    ),
    _rule(
        "randomised trial in title",
        "rct",
        rf"\b{_RANDOMI}ed(,)? ({_WORD}[ ,-]+){{0,4}}(trial|study)\b|\b{_RANDOMI}ed clinical\b"
        rf"|\b{_RANDOMI}ed controlled\b|\b{_RANDOMI}ed,? ({_WORD}[ ,-]+){{0,3}}comparison\b",
        "title",
        decisive=True,
        cues=("randomi",),
        # A title naming the study a randomised trial (one, not "trials") is not a review of
        # trials, even when its topic is ("... in medication reviews: a randomised trial").
        # Nor is it a meta-analysis because its background cites one.
        unless=("PRISMA", "literature search", "protocol wording", "commentary in title"),
    ),
    _rule("PRISMA", "systematic-review", r"\bprisma\b", cues=("prisma",)),
    _rule(
        "literature search",
        "systematic-review",
        r"\b(we )?(systematically )?searched (the )?(\w+ ){0,3}(medline|pubmed|embase|cochrane"
        r"|web of science|scopus|databases?)\b|\bdata sources\b|\bstudy selection\b",
        cues=("searched", "data sources", "study selection"),
    ),
    _rule(
        "systematic review done",
        "systematic-review",
        r"\b(a |this )?systematic (literature )?review (was|is) (performed|conducted|carried out"
        r"|undertaken)\b|\bwe (performed|conducted|carried out|undertook) a systematic "
        r"(literature )?review\b",
        decisive=True,
        cues=("systematic",),
        unless=("pooled estimate",),
    ),
    _rule(
        "studies included",
        "systematic-review",
        # The studies a review searched for and kept, counted as systematic reviews count them:
        # "four trials met the inclusion criteria", "twelve studies (1,204 patients) were
        # included", "we included nine randomised trials", "the search yielded 812 citations".
        # Patients "included" or "eligible" are a study's own participants, not this.
        rf"\b{_COUNT}[ ,-]+(\w+[ ,-]+){{0,3}}{_STUDIES} (\([^)]{{1,40}}\) )?(\w+[ ,-]+){{0,5}}?"
        r"((were|was) (finally |ultimately |eventually |then )?(included|eligible|selected"
        r"|retained)|(met|fulfilled|satisfied) (\w+ ){0,2}(inclusion|eligibility|selection)"
        r" criteria|qualified)\b"
        r"|\b(we|and) (finally |ultimately |eventually )?included "
        rf"({_COUNT}[ ,-]+)?((randomi[sz]ed|controlled|clinical|observational|cohort|prospective"
        rf"|retrospective|primary|original|published|eligible|relevant|english-language)[ ,-]+)"
        rf"{{0,4}}{_STUDIES}\b"
        rf"|\b{_STUDIES} (were|was) (eligible|included) (for inclusion )?if\b"
        r"|\bthe included (studies|trials|rcts|reviews)\b"
        rf"|\b(screened|identified|retrieved|yielded) {_COUNT} (potentially relevant |unique )?"
        r"(citations|abstracts|titles|references|articles|publications)\b",
        decisive=True,
        cues=(
            "included",
            "eligible",
            "selected",
            "retained",
            "criteria",
            "qualified",
            "screened",
            "identified",
            "retrieved",
            "yielded",
        ),
        # A systematic review describes its search as well as what it kept; pooling leaves the
        # label to the meta-analysis rules and the model; a comment on a review is a comment.
        needs=("literature search", "PRISMA"),
        unless=("pooled estimate", "own commentary", "protocol wording"),
        starts_on=r"\b\w",  # every alternative opens on a word
    ),
    _rule(
        "meta-analysis done",
        "meta-analysis",
        # The authors' own pooling, as "systematic review done" is their own review: "we sought
        # to perform a patient-level meta-analysis", "a meta-analysis was conducted"; not "we
        # will perform a meta-analysis" (a protocol) nor "a meta-analysis is needed".
        r"\b(we|this (study|paper|article)) ((?!will |plan |intend |propose )\w+ ){0,2}"
        r"(perform(ed)?|conduct(ed)?|carr(y|ied) out|undert(ake|ook)|report(ed)?) (a|an) "
        r"([\w-]+ ){0,3}meta-?analys[ie]s\b"
        r"|\b(a|this) ([\w-]+ ){0,3}meta-?analysis (was|is) (performed|conducted|carried out"
        r"|undertaken)\b",
        decisive=True,
        cues=("meta",),
        unless=("protocol wording",),
    ),
    _rule(
        "pooled estimate",
        "meta-analysis",
        r"\bmeta-?analy[sz]|\bpooled (estimate|odds|risk)",
        cues=("meta", "pooled"),
    ),
    _rule(
        "protocol wording",
        "protocol",
        r"\bthis protocol\b|\bwill be (randomi[sz]ed|recruited)",
        cues=("protocol", "will be"),
    ),
    _rule(
        "animal experiment",
        "preclinical",
        # Authors naming the animals their experiment used ("male sprague-dawley rats",
        # "streptozotocin-induced diabetic mice", "rats were divided into four groups"): a
        # laboratory study, whose random allocation of animals is not a trial of people. Never
        # a mention in passing ("previous studies in mice"), nor a review of animal studies.
        rf"\b({_STRAIN}|adult|young|aged|pregnant|diabetic|obese|transgenic|knockout"
        r"|wild[- ]type|\d+[- ]weeks?[- ]old|male|female|lean|neonatal)"
        rf"[ ,-]+(({_STRAIN}|\w+)[ ,-]+){{0,2}}?{_ANIMALS}\b"
        r"(?! (\w+ )?(studies|models? (have|has) (been|shown)))"
        rf"|\b{_ANIMALS} (were|was) (\w+ ){{0,2}}(divided|assigned|allocated|fed|treated|injected"
        r"|given|housed|exposed|subjected|sacrificed|killed|euthani[sz]ed|ana?esthe[tc]i[sz]ed"
        r"|randomi[sz]ed|randomly|gavaged|administered|immuni[sz]ed|infected|inoculated"
        r"|challenged|implanted|operated)\b"
        r"|\b(streptozotocin|stz|alloxan)[- ]induced\b",
        decisive=True,
        cues=_ANIMAL_CUES,
        unless=(*_SYNTHESIS, *_OWN_RANDOMISATION, "own review", "review format", "review in title"),
    ),
    _rule(
        "animals in title",
        "preclinical",
        # A title naming the animals or the animal model the work was done in ("... in
        # diabetic rats", "a murine model of ...", "in streptozotocin-induced mice"), when it
        # names no people beside them.
        r"^(?!.*\b(humans?|patients?|children|women|men|people|adults|participants|volunteers"
        r"|clinical|cohort)\b).*?(\b(in|using|into) (an? |the )?(\w+[ ,-]+){0,3}?"
        rf"({_ANIMALS}|(rat|mouse|murine|rodent|porcine|canine|zebrafish|animal) models?)\b"
        r"|\b(rats?|mice|murine)\b)",
        "title",
        decisive=True,
        cues=(*_ANIMAL_CUES, "mouse", "murine", "porcine", "canine", "rat"),
        unless=(*_SYNTHESIS, *_OWN_RANDOMISATION, "own review", "review format", "review in title"),
    ),
    _rule(
        "randomised allocation",
        "rct",
        # Random allocation, not random sampling ("were randomly selected").
        r"\b(were|was|being) randomly(?! (selected|sampled|chosen|drawn|distributed))\b"
        rf"|\b(were|was|being) {_RANDOMI}ed\b"
        r"|\brandomly[- ](were )?(assigned|allocated|divided|received|given|classified|placed"
        r"|split|categori[sz]ed|underwent)\b"
        r"|\brandomly distributed (into|to|between|among)\b"
        rf"|\b{_RANDOMI}ed (to|into|in a|1:1)\b|\b{_RANDOMI}ation\b|\bwe {_RANDOMI}ed\b"
        rf"|\b{_RANDOMI}ed ({_NUMBER} \w+|[\d,]+ \w+|them|participants|patients|subjects)\b"
        rf"|\b{_RANDOMI}ed \(?\d:\d|\b(allocated|assigned) (at random|randomly)\b"
        # "Of 372 subjects randomized, ...", "trial E2603 randomized MM patients to CP".
        rf"|\b{_PARTICIPANTS} {_RANDOMI}ed\b|\b{_RANDOMI}ed (\w+ ){{1,3}}{_PARTICIPANTS} to\b"
        rf"|\b(random|{_RANDOMI}ed) (allocation|assignment)\b|\bat random (to|into)\b"
        rf"|\b(trials?|study) {_RANDOMI}ed\b"
        # Allocation in other words: "divided into three groups randomly", "selected randomly
        # to receive", "in a randomised, blinded fashion", crossovers "in random order".
        r"|\b(divided|assigned|allocated|distributed|split|placed|separated) (\w+[ ,-]+){0,6}"
        r"randomly\b|\b(randomly|randomi[sz]ed) (selected|chosen) to (receive|undergo|get|take)\b"
        rf"|\bin (a |an )?(random|{_RANDOMI}ed|randomly assigned),? (\w+[ ,-]+){{0,3}}"
        r"(fashion|manner|way)\b"
        rf"|\bin (a |an )?(random|{_RANDOMI}ed)(,? \w+)? (order|sequence)\b",
        decisive=True,
        cues=("random",),
        unless=_NOT_A_TRIAL_REPORT,
        starts_on=r"\w",  # every alternative opens on a word boundary before a word
    ),
    _rule(
        "randomised design",
        "rct",
        # The paper's own design: a "Design:" heading, "this randomised trial", "we conducted a
        # randomised ...", or a randomised trial in the same breath as blinding.
        r"\b(study )?(design|methods?|setting)( and \w+)?:{0,2} (this (study )?(is|was) )?(in )?"
        rf"(a |an )?(\w+[ ,-]+){{0,4}}{_RANDOMI}ed\b"
        # "This study was a parallel groups’ randomized ...", not "our data confirm randomized
        # trial data".
        rf"|\b(this|the present|our) ((?!{_AGREES}){_WORD}[ ,-]+){{0,5}}{_RANDOMI}ed\b"
        # "This study is a RCT (randomized clinical trial)".
        r"|\b(this|the present|our) (study|trial) (is|was) (a|an) (\w+[ ,-]+){0,3}rct\b"
        # "We used a randomized between-subject design", "in a randomized and controlled study
        # design", "both studies used an open, randomized, and crossover design".
        rf"|\b(in|with|used|using|employed|adopted|followed|had) (a|an) ({_WORD}[ ,-]+){{0,4}}"
        rf"{_RANDOMI}ed,? (and )?({_WORD}[ ,-]+){{0,5}}design\b"
        r"|\bwe (conducted|performed|carried out|undertook|did|report|report on|designed) (a|an) "
        rf"(\w+[ ,-]+){{0,5}}{_RANDOMI}ed\b"
        rf"|\b{_RANDOMI}ed,? (\w+[ ,-]+){{0,3}}(double|single|triple)[- ]blind"
        rf"|\b(double|single|triple)[- ]blind(ed)?,? (\w+[ ,-]+){{0,3}}{_RANDOMI}ed"
        rf"|\b{_RANDOMI}ed,? (\w+[ ,-]+){{0,3}}placebo[- ]controlled\b"
        # "The TEAM trial is a randomized controlled trial ...", "(TRIUMPH), a randomized
        # controlled trial", "a randomized controlled design was used".
        rf"|\b(is|was) (a|an|the first) (\w+[ ,-]+){{0,4}}{_RANDOMI}ed,? (\w+[ ,-]+){{0,3}}"
        r"(trial|study)\b"
        rf"|\), an? (\w+[ ,-]+){{0,4}}{_RANDOMI}ed (\w+[ ,-]+){{0,2}}trial\b"
        rf"|\b{_RANDOMI}ed (\w+ ){{0,2}}design (was|is) (used|employed|adopted)\b"
        # "X was tested in a randomised, controlled trial".
        r"|\b(was|were) (tested|evaluated|assessed|compared|examined|studied|investigated) in "
        rf"(a|an) (\w+[ ,-]+){{0,4}}{_RANDOMI}ed\b"
        # The study named in the same breath as its own participants or its authors: "in a
        # randomized-controlled crossover study 14 healthy men were tested", "we measured ... in
        # 41 patients in a randomized dose escalation study".
        rf"|\bin (a|an) ({_WORD}[ ,-]+){{0,6}}{_RANDOMI}ed[ ,-]+({_WORD}[ ,-]+){{0,4}}"
        r"(trial|study|comparison)\b,? (a total of )?\d[\d,]* "
        r"|\bwe (\w+ly )?(compared|measured|analy[sz]ed|analy[sz]e|assessed|evaluated|examined"
        r"|investigated|studied|tested|enrolled|recruited|treated|followed|observed)\b[^.;]* "
        rf"(in|of) (a|an) ({_WORD}[ ,-]+){{0,4}}{_RANDOMI}ed\b"
        # "A randomized control clinical trial was undertaken."
        rf"|\b{_RANDOMI}ed,? (\w+[ ,-]+){{0,4}}(trial|study) (was|is) (undertaken|conducted"
        r"|performed|carried out|designed)\b",
        decisive=True,
        cues=("randomi", "rct"),  # "This study was an RCT" need not spell it out
        unless=(*_NOT_A_TRIAL_REPORT, "review wording", "review format"),
        # As "randomised allocation", and "), a randomised trial"; the boundary is tested once
        # rather than by each alternative in turn inside words.
        starts_on=r"\b\w|\)",
    ),
    _rule(
        "trial participants",
        "rct",
        # Analyses of a trial's participants, which NLM indexes as reports of the trial.
        r"\b(participants? (in|of|from)|participating in|enrolled in|recruited (from|in|for)"
        r"|part of|data (from|of)|drawn from|nested (within|in)|analysis of|within|completed"
        r"|participated in|enrolled (for|in)|samples from|included in|recruited (to|into))"
        rf" (the|{_NUMBER}) (\w+[ ,-]+){{0,4}}{_RANDOMI}ed\b"
        # "A follow-up study of a community cluster-randomised trial".
        r"|\b(follow-up|extension|sub-?study|substudy) (study )?of (a|an|the) (\w+[ ,-]+){0,4}"
        rf"{_RANDOMI}ed\b"
        # "All subjects participated in ERAMUNE 02, an open-label randomized clinical trial",
        # "to participate in a five-arm, 26-week, double-dummy, randomized study".
        rf"|\bparticipat(e|ed|ing) in ({_WORD}[ ,-]+){{0,8}}{_RANDOMI}ed\b"
        # "Data came from a larger randomized trial", "participants were from the NOURISH
        # randomised controlled trial", "specimens from 201 patients ... from a randomized trial".
        r"|\b(data|specimens|samples|participants|patients|subjects) (\w+[ ,-]+){0,6}"
        r"(from|of) (a|an|the|two|three|four|five|\d+) ([\w'’-]+[ ,]+){0,4}"
        rf"{_RANDOMI}ed\b{_NOT_SAMPLING}"
        # "A post hoc analysis of three randomized trials", "exploratory analyses of data from
        # three large, randomized, international trials".
        r"|\b(secondary|post[- ]hoc|ancillary|exploratory|prespecified|pre-specified) analys[ie]s"
        rf" (of|from|in|using) ([\w'’-]+[ ,]+){{0,6}}{_RANDOMI}ed\b",
        decisive=True,
        cues=("randomi",),
        unless=(*_SYNTHESIS, "review in title", "own commentary"),
    ),
    _rule(
        "randomised trial",
        "rct",
        # "non-randomised controlled study" is none ({_RANDOMI})
        rf"\b{_RANDOMI}ed(,)? (\w+[ ,-]+){{0,4}}(trial|study)\b|\brct\b|\bcluster[- ]randomi",
        cues=("randomi", "rct"),
    ),
    _rule(
        "blinding",
        "rct",
        r"\b(double|single|triple)[- ]blind|\bplacebo[- ]controlled\b",
        cues=("blind", "placebo"),
    ),
    _rule(
        "secondary analysis",
        "other",
        # The paper is a secondary analysis ("a post hoc analysis of ..."), not a trial report
        # naming its own secondary analyses ("in secondary analyses, rates of control ...").
        r"\b(secondary|post[- ]hoc|ancillary|exploratory|pooled|mediation) analys[ie]s (of|from|using)\b"
        # Reuse of a trial's data: "analysis of baseline data from", "using baseline data from".
        r"|\banalys[ie]s of (\w+ ){0,2}data (from|of)\b|\bbaseline data (from|of)\b"
        # "Data from the X trial", not "data from the 55 participants".
        r"|\bsub-?study\b"
        r"|\bdata from (the|a|an) (\w+[ ,-]+){0,4}(trial|study|cohort|survey|registry|database)\b",
        # "substud", not "sub": the pattern needs no more, and "sub" is in a third of abstracts.
        cues=("analys", "substud", "sub-stud", "data from"),
    ),
    _rule(
        "case description",
        "case-report",
        # "A 54-year-old woman presented with ...", "two men aged 62 and 43 years".
        rf"\b(a|an) \d+[- ](years?|months?|weeks?|days?)[- ]old (\w+ ){{0,2}}{_PERSON}\b"
        rf"|\b{_NUMBER} (\w+ ){{0,2}}{_PERSON} aged \d+",
        decisive=True,
        cues=("-old", " old ", " aged "),
        unless=_SYNTHESIS,
    ),
    _rule(
        "case wording",
        "case-report",
        # "A case of ... is presented", "in this case report", "the article describes three
        # cases"; the rules are split by the words they need so each runs on few abstracts.
        r"\b(the|this) (article|report|paper) (describes|reports|presents) "
        rf"{_NUMBER} (\w+ ){{0,2}}cases\b"
        rf"|\b{_NUMBER} (\w+ ){{0,3}}cases? (of (\S+ ){{1,12}})?(is|are|was|were) "
        r"(described|reported|presented|encountered)\b"
        r"|\bcase (presentation|report|description)s?:|\b(in )?this case report\b"
        r"|\bsummary of (the )?case\b|\bin a case of\b",
        decisive=True,
        cues=("case",),
        unless=_SYNTHESIS,
    ),
    _rule(
        "cases reported",
        "case-report",
        # "We report a case ...", "the authors describe two patients ...".
        r"\b(we|the authors|authors) (here(in)? )?(report|describe|present|encountered|experienced"
        rf"|saw|treated) (here )?{_NUMBER} (\w+[ ,-]+){{0,4}}(case|patient)s?\b(?! stud)"
        r"|\b(we|the authors|authors) (here(in)? )?(report|describe|present) the case of\b",
        decisive=True,
        cues=("we ", "authors"),
        unless=_SYNTHESIS,
    ),
    _rule(
        "own commentary",
        "commentary",
        # Authors naming their paper an editorial, comment or letter ("In this editorial we
        # argue", "we read with interest the recent trial"), not "from this perspective" nor a
        # research letter reporting a study.
        r"(?<!from )(?<!of )\b(this|the present|our|my) (brief |short |invited |personal )?"
        r"(editorial|commentary|comment|viewpoint|opinion (piece|paper|article)|essay)\b"
        # A letter only as the paper itself: "our letter to each practice" is an intervention.
        r"|\bin this letter\b"
        r"|\b(i|we) (have )?read (with (great |much |considerable )?interest|the (recent )?"
        r"(article|paper|report|study|trial|review|letter|meta-analysis))\b"
        r"|\bletter to the editor\b"
        r"|\bin (response|reply) to (the|a|an) (recent )?(\w+ ){0,2}(article|paper|letter"
        r"|commentary|editorial|comment)\b"
        r"|\b(we|i) (wish to |would like to |briefly )?comment on (the|a|an) (recent )?(\w+ ){0,3}"
        r"(article|paper|study|trial|report|review|meta-analysis|analysis|letter)\b",
        decisive=True,
        cues=(
            "editorial",
            "comment",
            "viewpoint",
            "opinion",
            "essay",
            "letter",
            "read ",
            "response to",
            "reply to",
        ),
    ),
    _rule(
        "non-randomised design",
        "non-randomized-trial",
        # The authors' own uncontrolled or non-randomised intervention design ("a single-arm
        # phase II study", "a quasi-experimental pre-post design"); never with any sign of
        # random allocation, nor in a review describing others' trials.
        r"\b(a|an|this|our|the present) (\w+[ ,-]+){0,3}(phase (i|ii|iv|1|2|4|i/ii|1/2|iia|iib)"
        r"|single[- ](arm|group)|open[- ]label|non-?randomi[sz]ed|uncontrolled|quasi-?experimental"
        r"|before[- ]and[- ]after|pre-?post|pre-?test[- ]post-?test)[ ,-]+(\w+[ ,-]+){0,3}"
        r"(trial|study|design|intervention)\b",
        decisive=True,
        cues=(
            "phase",
            "single-",
            "single ",
            "open-",
            "open label",
            "nonrandom",
            "non-random",
            "uncontrolled",
            "quasi",
            "before",
            "pre-",
            "prepost",
            "pre post",
            "pretest",
            "pre test",
        ),
        unless=(*_RANDOMISED, *_SYNTHESIS, "review in title", "own review", "review format"),
    ),
    _rule(
        "non-randomised trial",
        "non-randomized-trial",
        r"\bnon-?randomi[sz]ed\b|\bsingle[- ]arm\b|\bopen[- ]label\b|\bphase (i|ii|1|2)\b"
        r"|\bquasi-?experimental\b|\bpilot (study|trial)\b",
        cues=("nonrandom", "non-random", "single", "open", "phase", "quasi", "pilot"),
    ),
    _rule(
        "cohort wording",
        "cohort",
        r"\b(retrospective|prospective|population-based|birth|longitudinal) cohort\b"
        r"|\bcohort study\b|\bfollowed (up )?for\b|\bhazard ratio",
        cues=("cohort", "followed", "hazard"),
    ),
    _rule(
        "own case-control",
        "case-control",
        # Authors naming their own study a case-control study ("we conducted a population-based
        # case-control study", "a nested case-control analysis", "design: matched case-control"),
        # not the case-control studies a review included ("twelve case-control studies").
        r"\b(a|an|this|the present|our) (\w+[ ,-]+){0,4}case[- ]control (study|analysis|design"
        r"|investigation)\b|\bnested case[- ]control\b|\bcases? and controls? (study|design)\b"
        r"|\b(study )?design:{1,2} (a |an )?(\w+[ ,-]+){0,3}case[- ]control\b",
        decisive=True,
        cues=("control",),
        unless=(*_SYNTHESIS, *_OWN_RANDOMISATION, "own review", "review format"),
    ),
    _rule(
        "own cross-sectional",
        "cross-sectional",
        # Authors naming their own study cross-sectional or a survey ("in this cross-sectional
        # survey", "design: cross-sectional", "we administered an online survey to", a title's
        # "a survey of general practices"); not a cross-sectional area or image, a survey of
        # the literature, nor data a study drew from a national survey.
        r"\b(a|an|this|the present|our) (\w+[ ,-]+){0,4}cross[- ]?sectional[ ,-]+(\w+[ ,-]+){0,3}"
        r"(study|survey|analysis|design|investigation|census|evaluation|assessment)\b"
        r"|\b((study )?design|methods?|study|setting|design and setting):{1,2} (a |an )?"
        r"(\w+[ ,-]+){0,3}cross[- ]?sectional\b(?! (area|image|slice|view|profile|dimension)s?\b)"
        r"|\b(we|the authors) (\w+ ){0,2}(conducted|performed|administered|distributed|sent|mailed"
        r"|carried out|undertook|designed|did|emailed|e-mailed) (a|an) (\w+[ ,-]+){0,4}"
        r"(survey|questionnaire)\b(?! (of|on) (the )?(literature|evidence|studies|trials|reviews))"
        r"|\b(a|an) (\w+[ ,-]+){0,4}survey (was|is) (conducted|performed|administered|distributed"
        r"|sent|carried out|undertaken|mailed|emailed|e-mailed)\b",
        decisive=True,
        cues=("sectional", "survey", "questionnaire"),
        unless=_NOT_OWN_SURVEY_OR_COHORT,
    ),
    _rule(
        "survey in title",
        "cross-sectional",
        # A title naming the study a survey of people or places ("... : a survey of general
        # practices", "a national survey of ...", "an online survey among nurses") or
        # cross-sectional; not a survey of the literature or the evidence, nor a bare ": a
        # survey", which in engineering and computing titles names a review of the field.
        r"\b(a|an) (\w+[ ,-]+){0,3}?survey (of|among|in|on|at|amongst)\b"
        r"(?! (the )?(\w+ )?(literature|evidence|studies|trials|reviews|guidelines|methods"
        r"|techniques|approaches|algorithms)\b)"
        r"|\b(a|an) (national|nationwide|online|web-based|postal|telephone|questionnaire"
        r"|cross[- ]?sectional|population-based|multi-?cent(er|re)|international|regional"
        r"|statewide|state-wide|household|community-based|qualitative)[ -](\w+[ ,-]+){0,2}?"
        r"survey\b"
        r"|\b(a|an) (\w+[ ,-]+){0,3}?cross[- ]?sectional (\w+ )?(study|analysis|comparison"
        r"|evaluation|assessment)\b",
        "title",
        decisive=True,
        cues=("survey", "sectional"),
        unless=_NOT_OWN_SURVEY_OR_COHORT,
    ),
    _rule(
        "cohort in title",
        "cohort",
        # A title ending on the study's design: "...: a population-based cohort study",
        # "results from a prospective observational cohort study".
        r"\b(a|an) (\w+[ ,-]+){0,4}?cohort (study|analysis)\.?$",
        "title",
        decisive=True,
        cues=("cohort",),
        unless=_NOT_OWN_SURVEY_OR_COHORT,
    ),
    _rule(
        "own retrospective study",
        "cohort",
        # A retrospective study of the authors' own patients, which NLM indexes as
        # Retrospective Studies (a cohort heading): "we retrospectively reviewed", "a
        # retrospective chart review of", "this retrospective, single-centre study".
        r"\b(a|an|this|the present|our) (\w+[ ,-]+){0,3}retrospective[ ,-]+(\w+[ ,-]+){0,3}"
        r"(study|analysis|review|chart review|audit|evaluation)\b(?! of (the )?(literature|studies))"
        r"|\bwe retrospectively (reviewed|analy[sz]ed|studied|evaluated|assessed|examined"
        r"|identified|collected|investigated|included|enrolled)\b"
        r"|\b(were|was) retrospectively (reviewed|analy[sz]ed|studied|evaluated|assessed"
        r"|examined|identified|collected|investigated|included|enrolled)\b"
        r"|\bretrospective (chart|medical records?|case notes?|record) review\b"
        r"|\b(study )?design:{1,2} (a |an )?(\w+[ ,-]+){0,3}retrospective\b",
        decisive=True,
        cues=("retrospective",),
        unless=(
            *_SYNTHESIS,
            *_OWN_RANDOMISATION,
            "own review",
            "review format",
            "own case-control",
            "own cross-sectional",
        ),
    ),
    _rule(
        "own cohort",
        "cohort",
        # Authors naming their own study a cohort: "in a retrospective cohort of patients
        # prescribed ...", "this population-based cohort study", "we assembled a cohort of",
        # "a prospective cohort study was conducted"; not cohort studies a review included.
        r"\b(this|the present|our) (\w+[ ,-]+){0,4}cohort study\b"
        r"|\b(we|the authors) (\w+ ){0,2}(conducted|performed|undertook|carried out|designed|did"
        r"|used|assembled|established|constructed|followed|identified|analy[sz]ed) (a|an) "
        r"(\w+[ ,-]+){0,4}cohort\b(?! (of|from) (studies|trials))"
        r"|\b(a|an) (\w+[ ,-]+){0,4}cohort (study|analysis|design) (was|is) (conducted|performed"
        r"|undertaken|carried out|designed|used)\b"
        rf"|\b(a|an|this|our) (\w+[ ,-]+){{0,2}}{_COHORT_KIND}[ ,-]+(\w+[ ,-]+){{0,2}}cohort "
        r"(study |analysis )?(of|including|involving|comprising|in|among|with)\b"
        r"(?! (studies|trials)\b)"
        r"|\b(study )?design:{1,2} (a |an )?(\w+[ ,-]+){0,3}cohort\b",
        decisive=True,
        cues=("cohort",),
        # A review's own words, or its included studies, leave the cohorts it cites to it; a
        # case-control study nested in a cohort is a case-control study.
        unless=(
            *_SYNTHESIS,
            *_OWN_RANDOMISATION,
            "own review",
            "review format",
            "case-control wording",
        ),
    ),
    _rule(
        "case-control wording",
        "case-control",
        r"\bcase[- ]control\b|\bmatched controls\b",
        cues=("control",),
    ),
    _rule(
        "cross-sectional wording",
        "cross-sectional",
        r"\bcross[- ]sectional\b|\bsurvey\b|\bquestionnaire\b|\bprevalence\b",
        cues=("sectional", "survey", "questionnaire", "prevalence"),
    ),
    _rule(
        "guideline wording",
        "guideline",
        r"\bguidelines?\b|\bconsensus (statement|conference|recommendations)\b"
        r"|\bposition (statement|paper)\b|\bpractice parameter\b",
        cues=("guideline", "consensus", "position", "practice parameter"),
    ),
    _rule(
        "review wording",
        "narrative-review",
        r"\b(this|we|the present) review\b|\breview(ed)? (of )?the (current )?literature\b"
        r"|\boverview\b|\bcurrent (concepts|knowledge|evidence)\b",
        cues=("review", "overview", "current"),
    ),
    _rule(
        "own review",
        "narrative-review",
        # Authors naming their paper a review ("In this review, we ..."); systematic reviews
        # say it too, so any sign of a literature search or pooling keeps it from deciding.
        r"\b(this|the present|our) (narrative |brief |short |mini-?|critical |comprehensive )?"
        r"review\b|\bhere,? we (review|summari[sz]e)\b"
        r"|\b(we|this (article|chapter|paper|overview)) (also |then |further |briefly )?"
        r"(discuss(es)?|summari[sz]es?|highlights?|outlines?|reviews?) (the |recent |current |how "
        r"|what |some |several |these |key |its |their |potential |possible |emerging |new |novel "
        r"|major )",
        decisive=True,
        cues=("review", "summari", "discuss", "highlight", "outline"),
        unless=_SYNTHESIS,
    ),
    _rule(
        "review aims",
        "narrative-review",
        r"\b(this|the present|our) (article|chapter|paper|overview)"
        r" (\w+ ){0,2}(reviews|summari[sz]es|discusses|highlights|provides an overview)\b"
        r"|\b(are|is) (reviewed|summari[sz]ed)\b|\brecent (advances|developments|progress)\b"
        r"|\bfuture (directions|perspectives)\b|\bstate of the art\b",
        cues=(
            "reviews",
            "reviewed",
            "summari",
            "discusses",
            "highlights",
            "overview",
            "recent",
            "future",
            "state of the art",
        ),
    ),
    _rule(
        "review format",
        "narrative-review",
        # The "Purpose of review / Recent findings / Summary" abstract of review journals.
        r"\bpurpose of (this )?review\b|\brecent findings\b",
        decisive=True,
        cues=("review", "recent findings"),
        unless=_SYNTHESIS,
    ),
    _rule(
        "review in title",
        "narrative-review",
        # Not a chart review ("retrospective review of 50 patients") or peer review.
        r"(?<!retrospective )(?<!chart )(?<!record )(?<!peer )\breview\b(?! of \d+)"
        r"|\ban update\b",
        "title",
        cues=("review", "update"),
    ),
    _rule(
        "case-like title",
        "case-report",
        # How case reports are titled when they do not say "case".
        r"\bcomplicating\b|\bas a complication of\b|\bmimicking\b|\bmasquerading as\b"
        r"|\bunusual (presentation|cause|site|manifestation)\b"
        r"|\b(a )?rare (cause|presentation|complication|manifestation)\b",
        "title",
        cues=("complicat", "mimick", "masquerad", "unusual", "rare"),
    ),
    _rule(
        "commentary in title",
        "commentary",
        # "Response to ..." opening a title, not a patient's "blood pressure response to".
        r"\beditorial\b|\bcomment(ary)? on\b|^comment(ary)?:|\bin reply\b|\breply to\b"
        r"|^(in )?response to\b|\bletter\b|\breply\b|^re:",
        "title",
        cues=("editorial", "comment", "reply", "response", "letter", "re:"),
    ),
    _rule(
        "laboratory model",
        "preclinical",
        r"\b(mice|mouse|rats?|murine|rodents?|zebrafish|xenografts?|knockout)\b"
        r"|\bin vitro\b|\bcell lines?\b|\bcultured\b",
        cues=(
            "mice",
            "mouse",
            "rat ",
            "rats",
            "rat,",
            "rat.",
            "rat)",
            "murine",
            "rodent",
            "zebrafish",
            "xenograft",
            "knockout",
            "in vitro",
            "cell line",
            "cultured",
        ),
    ),
)


# The rules that fired on one record, in `PHRASE_RULES` order, each with the phrase it found.
Fired = dict[PhraseRule, re.Match[str]]


def titled_a_review(fired: Iterable[PhraseRule]) -> bool:
    """Whether the title calls the paper a review: its talk of random allocation is then about
    the trials it reviews, so only a decisive phrase, not the model, may call it a trial."""
    return any(rule.name == "review in title" for rule in fired)


def deciding_rule(fired: Iterable[PhraseRule]) -> PhraseRule | None:
    """The first decisive rule that fired, that no rule in its `unless` list overrides and
    that has one of its `needs` (if any) beside it."""
    names = {rule.name for rule in fired}
    for rule in fired:
        needed = not rule.needs or names.intersection(rule.needs)
        if rule.decisive and needed and not names.intersection(rule.unless):
            return rule
    return None


def _cues_of(where: str) -> tuple[str, ...]:
    return tuple(sorted({cue for rule in PHRASE_RULES if rule.where == where for cue in rule.cues}))


# Every cue of the rules that read the text, each looked for once per record however many
# rules share it: one Aho-Corasick pass over the text finds them all, where a substring test
# per cue scanned each abstract some 150 times.
TEXT_CUES = _cues_of("text")


def _cue_finder(cues: Sequence[str]) -> ahocorasick.Automaton:
    finder = ahocorasick.Automaton()
    for cue in cues:
        finder.add_word(cue, cue)
    finder.make_automaton()
    return finder


_TEXT_CUE_FINDER = _cue_finder(TEXT_CUES)


# Which rules each cue can set off, so that a record is searched only by the rules one of whose
# cues it holds (about a quarter of them), not all of them in turn.
def _rules_by_cue(where: str) -> dict[str, tuple[int, ...]]:
    return {
        cue: tuple(
            index
            for index, rule in enumerate(PHRASE_RULES)
            if rule.where == where and cue in rule.cues
        )
        for cue in _cues_of(where)
    }


_TEXT_RULES_BY_CUE = _rules_by_cue("text")
_TITLE_CUES = _cues_of("title")
_TITLE_RULES_BY_CUE = _rules_by_cue("title")
_TITLE_CUE_FINDER = _cue_finder(_TITLE_CUES)
# A rule without cues has nothing to be set off by: it is tried on every record.
_UNCUED = frozenset(index for index, rule in enumerate(PHRASE_RULES) if not rule.cues)


def rules_to_try(view: TextView, present: Mapping[str, Sequence[int]]) -> list[PhraseRule]:
    """The rules, in `PHRASE_RULES` order, that can fire on the view: those one of whose cues it
    holds (`present` is `cues_in(view)`), and any rule without cues."""
    indices = set(_UNCUED)
    for cue in present:
        indices.update(_TEXT_RULES_BY_CUE[cue])
    if view.title:
        for _, cue in _TITLE_CUE_FINDER.iter(view.title):
            indices.update(_TITLE_RULES_BY_CUE[cue])
    return [PHRASE_RULES[index] for index in sorted(indices)]


def cues_in(view: TextView) -> dict[str, list[int]]:
    """The text rules' cues that occur in the view's text, each with the sentences (indices
    into `view.sentences`, ascending) that hold it whole, for `PhraseRule.search`."""
    starts, sentences = view.sentence_starts, view.sentences
    found: dict[str, list[int]] = {}
    # Every occurrence, overlapping ones too, by where it ends.
    for end, cue in _TEXT_CUE_FINDER.iter(view.text):
        start = end + 1 - len(cue)
        index = bisect.bisect_right(starts, start) - 1
        # A cue running into the ". " after its sentence is not in the sentence.
        if end >= starts[index] + len(sentences[index]):
            continue
        indices = found.setdefault(cue, [])
        if not indices or indices[-1] != index:
            indices.append(index)
    return found
