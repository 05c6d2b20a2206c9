"""Lexicon files of the framing analyzer (a package only so that they ship in the wheel)."""
