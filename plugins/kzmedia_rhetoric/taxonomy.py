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

#: technique id → its short definition, after the SemEval-2023 Task 3 annotation guidelines (in our
#: words; shown to the blind reader of a precision audit, ``kzmedia_rhetoric.audit``)
DEFINITIONS: dict[str, str] = {
    "Name_Calling-Labeling": "a label, usually insulting or admiring, given to the object of the argument "
                             "(a person, group, state) instead of an argument about it",
    "Guilt_by_Association": "attacking someone by linking them to a group, person or thing the audience "
                            "views negatively",
    "Doubt": "questioning the credibility of someone or something (their character, honesty or a claim) "
             "without proper grounds",
    "Appeal_to_Hypocrisy": "attacking the target's reputation by charging them with hypocrisy or "
                           "inconsistency, instead of addressing the point",
    "Questioning_the_Reputation": "attacking the target's character, competence or motives with "
                                  "strong negative claims, to undermine them rather than the argument",
    "Flag_Waving": "justifying an idea by appealing to a group's pride or identity (nation, people, "
                   "religion) or by what benefits the group",
    "Appeal_to_Authority": "treating a claim as true because an authority or expert says so, without "
                           "other evidence",
    "Appeal_to_Popularity": "treating a claim as right because many or most people hold it "
                            "(\"everybody knows\")",
    "Appeal_to_Values": "justifying an idea by linking it to values the audience sees as positive "
                        "(freedom, tradition, justice, peace)",
    "Appeal_to_Fear-Prejudice": "promoting or rejecting an idea by exploiting fear, anxiety or "
                                "prejudice about what will happen otherwise",
    "Straw_Man": "replacing the opponent's position with a distorted, weaker one and refuting that",
    "Red_Herring": "drawing attention away from the issue to an irrelevant topic",
    "Whataboutism": "deflecting criticism by accusing the critic of something similar",
    "Causal_Oversimplification": "assuming one cause for an outcome that has several",
    "False_Dilemma-No_Choice": "presenting two options (or one) as the only possibilities",
    "Consequential_Oversimplification": "claiming that a first step will inevitably lead to a chain of "
                                        "(usually bad) consequences",
    "Slogans": "a brief, striking phrase, often a call or motto, that replaces an argument",
    "Conversation_Killer": "a phrase that discourages discussion or critical thought (\"нечего тут "
                           "обсуждать\")",
    "Appeal_to_Time": "arguing that the time has come to act now, with urgency as the argument",
    "Loaded_Language": "words or phrases with strong emotional implications (positive or negative) "
                       "used to influence the reader, beyond what the facts need",
    "Obfuscation-Vagueness-Confusion": "deliberately unclear wording that lets the audience read "
                                       "into it what they want",
    "Exaggeration-Minimisation": "representing something as much larger, better or worse (or much "
                                 "smaller, less important) than it is",
    "Repetition": "repeating the same word, phrase or idea over and over to make the audience accept it",
}

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
    "association": "a link to a reviled group or model (\"в духе фашистов\", \"нацистский\")",
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
