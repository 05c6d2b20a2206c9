"""The SemEval-2023 Task 3 persuasion techniques, their six categories, and the surface devices.

Technique ids are exactly the 23 labels of the shared task, so results can be scored against its
annotations. A *device* is the surface form that made the analyzer fire ("scare_quotes",
"threat_conditional"…); one device can serve several techniques, and a technique is usually
signalled by several devices.
"""

from __future__ import annotations

#: category id → the techniques it groups (SemEval-2023 Task 3 annotation guidelines)
CATEGORIES: dict[str, tuple[str, ...]] = {
    "attack_on_reputation": ("Name_Calling-Labeling", "Guilt_by_Association", "Doubt",
                             "Appeal_to_Hypocrisy", "Questioning_the_Reputation"),
    "justification": ("Flag_Waving", "Appeal_to_Authority", "Appeal_to_Popularity",
                      "Appeal_to_Values", "Appeal_to_Fear-Prejudice"),
    "distraction": ("Straw_Man", "Red_Herring", "Whataboutism"),
    "simplification": ("Causal_Oversimplification", "False_Dilemma-No_Choice",
                       "Consequential_Oversimplification"),
    "call": ("Slogans", "Conversation_Killer", "Appeal_to_Time"),
    "manipulative_wording": ("Loaded_Language", "Obfuscation-Vagueness-Confusion",
                             "Exaggeration-Minimisation", "Repetition"),
}

#: technique id → category id
CATEGORY_OF: dict[str, str] = {t: c for c, ts in CATEGORIES.items() for t in ts}

#: the 23 technique ids, in the order of the categories above
TECHNIQUES: tuple[str, ...] = tuple(CATEGORY_OF)

#: device id → what it is (documented in docs/rhetoric.md)
DEVICES: dict[str, str] = {
    "rhetorical_question": "a question in the author's voice that is not asked to be answered "
                           "(\"Разве это реформа?\")",
    "question_answer": "a question the author answers at once in a short sentence (\"Итог? Ноль.\")",
    "so_called": "\"так называемый\" before a term the author distances from",
    "exclamation": "a sentence in the author's voice ending in \"!\"",
    "scare_quotes": "a common word put in quotes to distance the author from it (\u00abдемократия\u00bb)",
    "contrastive_reframing": "\"это не X, а Y\", \"не просто X — это Y\": one reading imposed",
    "vague_attribution": "a claim given to unnamed authorities or crowds (\"западные эксперты\", "
                         "\"многие считают\")",
    "hidden_agenda": "a concealed intention asserted (\"за … скрывается\", \"под прикрытием\")",
    "threat_conditional": "a consequence threatened if the reader disagrees (\"иначе …\", "
                          "\"если не …, то …\")",
    "either_or": "only two options offered (\"либо … либо\", \"третьего не дано\")",
    "intensifier": "an adverb or adjective that inflates or belittles (\"радикально\", \"всего лишь\")",
    "labeling_term": "a label for a person, group or policy (\"марионеточный режим\", \"прихвостни\")",
    "loaded_term": "a word with strong emotional colouring (\"чудовищный\", \"трясина\")",
    "certainty_marker": "a claim declared beyond discussion (\"очевидно\", \"вопрос закрыт\")",
    "categorical_closure": "a short sentence closing the topic (\"Дискуссия окончена.\")",
    "in_group_appeal": "an appeal to the nation or to \"us\" (\"наш народ\", \"родная земля\")",
    "repetition": "the same charged (loaded or labelling) word hammered through a text, in four sentences or more",
    "doubt_marker": "a word that casts doubt on a claim or its author (\"якобы\", \"так называемый\")",
    "discredit_term": "a word attacking someone's competence or honesty (\"провал\", \"ложь\")",
    "association": "a link to a reviled group or model (\"по лекалам НАТО\", \"нацистский\")",
    "hypocrisy_marker": "an accusation of double standards (\"двойные стандарты\", \"а сами\")",
    "whatabout": "a counter-accusation replacing an answer (\"а как же …\")",
    "fear_appeal": "a threat or danger given as the reason to act or believe",
    "values_appeal": "a value given as the reason to act or believe (\"ради свободы\")",
    "authority_appeal": "a claim backed by an authority's say-so rather than evidence",
    "popularity_appeal": "a claim backed by how many believe it (\"все знают\")",
    "urgency": "pressure of time (\"пора\", \"сейчас или никогда\")",
    "causal_claim": "one cause given for a complex outcome (\"всё из-за\", \"виной всему\")",
    "slippery_slope": "a chain of consequences asserted (\"приведёт к\", \"обернётся\")",
    "slogan": "a short, punchy, often exclamatory phrase",
    "vagueness": "deliberately unclear wording (\"определённые круги\", \"некие силы\")",
    "straw_man": "an opponent's position restated in a distorted form (\"то есть, по их логике\")",
    "lexicon": "an entry of a user-supplied lexicon",
}

__all__ = ["CATEGORIES", "CATEGORY_OF", "DEVICES", "TECHNIQUES"]
