"""Numbers from table cells, where '.', '', 'nan' or None mean "no value"."""

import math


def cell_float(value) -> float | None:
    """The cell as a float; None when it holds no number (or NaN)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def cell_number(value) -> int | float | None:
    """The cell as a number, an int when it is a whole one (as a table shows it); None when it holds none."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else number


def cell_int(value) -> int:
    """The cell as an int; 0 when it holds no integer (a missing count counts nothing)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
