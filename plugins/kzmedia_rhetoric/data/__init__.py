"""Data files of the rhetoric analyzer: lexicons, tuning and calibration (a package only so that they ship in the wheel)."""
