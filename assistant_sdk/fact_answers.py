"""Questions about the user answered on the device from their facts: kept importable here;
the code lives with the resolver (``assistant_sdk.resolve.fact_answers``), as it is fitted and
saved with it."""

from .resolve.fact_answers import ANSWER_SIMILARITY, FactAnswer, FactAnswerer, question

__all__ = ["ANSWER_SIMILARITY", "FactAnswer", "FactAnswerer", "question"]
