"""A count as people write it: exact (``18,496``), or with a unit (``15.8M``, ``15.8 million``, ``4.09 GFLOPs``),
which stands for every count that rounds to it at its written precision. ``check`` grades answers and ``solve``
reads its ``--params`` with this one reader."""

from __future__ import annotations

import re

from ..errors import CnnCalcError, shorten
from ..model.records import record, replace
from .literals import TooLargeError, read_count
from .precision import Written, grade_number, read_number

__all__ = ["WrittenCount", "read_written_count", "with_unit"]

#: SI multipliers for a count written '194.69K', '4.09 G', '15.5 GFLOPs' or '15.8 million'.
_SI = {"": 1, "k": 10 ** 3, "m": 10 ** 6, "g": 10 ** 9, "t": 10 ** 12, "p": 10 ** 15}
_UNIT_WORDS = {"thousand": "k", "million": "m", "billion": "g", "trillion": "t"}
_SI_COUNT = re.compile(r"\s*([\d.,_' ]+?)\s*([kKmMgGtTpP]|thousand|million|billion|trillion)?\s*"
                       r"(?:i?(?:MACs?|FLOPS?|FLOPs?|flops?|macs?|params?|parameters|weights))?\s*", re.I)


@record
class WrittenCount:
    """A count as written: ``exact`` for a whole count, else ``scaled``, the number times its unit at its place."""

    text: str
    exact: int | None = None
    scaled: Written | None = None

    @property
    def value(self) -> float:
        """The count it stands for (the middle of the counts a rounded one stands for)."""
        return float(self.exact) if self.exact is not None else self.scaled.value  # type: ignore[union-attr]

    def status(self, count: int) -> str:
        """'correct', 'rounded', 'truncated' (cut, not rounded) or 'wrong': ``count`` against what is written."""
        if self.exact is not None:
            return "correct" if count == self.exact else "wrong"
        return grade_number(self.scaled, float(count))  # type: ignore[arg-type]

    def meets(self, count: int) -> bool:
        """``count`` is what is written, exactly or at its precision (15,810,000 is 15.8 million), as ``check``
        accepts it (a count cut to the written place, 15,890,000, too: check says it is cut, not rounded)."""
        return self.status(count) != "wrong"

    def __str__(self) -> str:
        return f"{self.exact:,}" if self.exact is not None else " ".join(self.text.split())


def with_unit(text: str) -> bool:
    """A count written with a unit ('15.8M', '15.8 million'), graded at its precision, not as an exact integer."""
    match = _SI_COUNT.fullmatch(text)
    return bool(match and match[2])


def read_written_count(text: str, claim: str) -> WrittenCount:
    """``18,496``, ``18496``, ``18_496``, ``18.496`` (a German 18,496), or a count with a unit: ``15.8M``,
    ``15.8 million``, ``194.69K``, ``4.09 G`` (the unit is the precision of '4 G').

    >>> read_written_count("15.8 million", "--params").meets(15_812_345)
    True
    >>> read_written_count("15.8M", "--params").meets(15_912_345), read_written_count("18,496", "x").exact
    (False, 18496)
    """
    match = _SI_COUNT.fullmatch(text) if len(text) <= 400 else None
    if match and match[2]:
        word = match[2].lower()
        unit = _UNIT_WORDS.get(word, word)
        try:
            written = read_number(match[1].strip().replace(",", ""))
        except ValueError:
            raise CnnCalcError(f"{claim}: cannot read the count '{shorten(text)}'",
                               "write it as 194688, 194,688, 194.69K or 4.09 G") from None
        scale = _SI[unit]
        place = len(str(scale)) - 1 if written.place is None else written.place + len(str(scale)) - 1
        return WrittenCount(text, None, replace(written, value=written.value * scale, place=place))
    digits = match[1].strip() if match else text
    try:
        return WrittenCount(text, read_count(digits))
    except TooLargeError as error:
        raise CnnCalcError(f"{claim}: the count is too large: {error}") from None
    except ValueError:
        raise CnnCalcError(f"{claim}: cannot read the count '{shorten(text)}'",
                           "write it as 18496, 18,496, 18_496 or 15.8M") from None
