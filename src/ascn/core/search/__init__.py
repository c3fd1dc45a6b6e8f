"""One ranked search over everything a user may see (SPEC C9; DESIGN "search").

The engine is this package; it knows no app. Each app declares what it indexes in its own
``search.py`` (``register(Source(...))``), imported at start-up by ``CoreConfig.ready``.
One index table, ``SearchEntry``, is written in the same transaction as the record: the
services announce their writes (``core.events``) and ``index.on_change`` follows. Full
text per database:

* SQLite: FTS5 external-content table ``core_searchentry_fts`` (bm25 with the title
  weighted 10 to the text's 1, prefix queries ``"term"*``), joined with the covering index
  ``core_searchentry_scope`` for the visibility and filter columns;
* PostgreSQL: the generated ``search_vector`` (title weight A, text weight B) and
  ``title_vector`` (title alone), each with a GIN index, ``to_tsquery`` with ``term:*``
  prefixes, ``ts_rank`` and ``ts_headline`` through ``django.contrib.postgres.search``.

A query is never handed to either engine as written: it is cut into word terms (letters
and digits), each quoted, all required (AND), each a prefix ("drain" finds "drainage").
Visibility is a WHERE on the index table (its owner columns), never a filter in Python.

Modules: ``registry`` (what is indexed), ``sql`` (each database's queries), ``engine``
(results, facets, snippets, suggestions), ``index`` (writes), ``api``/``views``/``urls``
(``/api/v1/search`` and ``/search/``).
"""

from ascn.core.search.engine import (
    CANDIDATES,
    FACETS,
    FacetValue,
    Hit,
    Results,
    autocomplete,
    highlight,
    make_snippet,
    mark_words,
    matching_ids,
    narrowed_to,
    search,
)
from ascn.core.search.index import index_object, rebuild, reindex, remove_object
from ascn.core.search.registry import (
    Source,
    clean,
    codes_text,
    figure,
    joined,
    kinds,
    labels_for,
    named,
    register,
    register_country_names,
    register_facet_labels,
    register_names,
    sources,
    translated_titles,
)
from ascn.core.search.sql import MAX_QUERY_LENGTH, MAX_TERMS, terms_of

__all__ = [
    "CANDIDATES",
    "FACETS",
    "MAX_QUERY_LENGTH",
    "MAX_TERMS",
    "FacetValue",
    "Hit",
    "Results",
    "Source",
    "autocomplete",
    "clean",
    "codes_text",
    "figure",
    "highlight",
    "index_object",
    "joined",
    "kinds",
    "labels_for",
    "make_snippet",
    "mark_words",
    "matching_ids",
    "named",
    "narrowed_to",
    "rebuild",
    "register",
    "register_country_names",
    "register_facet_labels",
    "register_names",
    "reindex",
    "remove_object",
    "search",
    "sources",
    "terms_of",
    "translated_titles",
]
