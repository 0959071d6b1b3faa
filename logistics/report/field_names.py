"""Field names a GIS user types bare: none is a reserved word of SQLite, OGR SQL or QGIS.

A GeoPackage is an SQLite file, read with SQL (``ogr2ogr -sql``, spatialite, DB Browser) and
with QGIS expressions (the field calculator, labels, filters). A field named ``order`` or
``end`` has to be quoted there (``"order"``) or the statement fails: ``SELECT order FROM
objectives`` is a syntax error in both SQL dialects, and a QGIS expression ``end > 0`` stops
at ``END``. So the layers we write name their fields plainly (``seq``, ``start_time``,
``end_time``, ``from_place``, ``documented_row``), and the GIS writers (``report.gpkg``,
``report.geojson``) refuse a reserved name with :func:`check_field_names`, so a field added
later cannot bring one back.

:data:`RESERVED_WORDS` is the union of

* SQLite's keywords (https://www.sqlite.org/lang_keywords.html, the 147 of SQLite 3.40; the
  library lists them itself through ``sqlite3_keyword_name``, which ``sqlite3`` does not
  expose; the tests check this list against it where ctypes reaches it);
* OGR SQL's (GDAL's own dialect, https://gdal.org/user/ogr_sql_dialect.html): its keywords are
  SQLite's but ``ILIKE``, and its special fields (``FID``, ``OGR_GEOMETRY``, ``OGR_STYLE``,
  ``OGR_GEOM_WKT``, ``OGR_GEOM_AREA``), which a field of that name is shadowed by;
* QGIS expressions' (3.22's parser: ``AND OR NOT LIKE ILIKE IS IN CASE WHEN THEN ELSE END
  NULL TRUE FALSE``; all but ``ILIKE``, ``TRUE`` and ``FALSE`` already SQLite's).

``date`` and ``time`` are none of them (functions in SQLite and QGIS, but a bare name is the
field), and stay.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["RESERVED_WORDS", "reserved_fields", "check_field_names", "local_suffix"]

#: The suffix of the text field beside each datetime field that holds the army's local clock
#: (``report.gpkg`` writes it, the QGIS styles of ``report.qgis`` play by it).
local_suffix = "_local"

_SQLITE_KEYWORDS = """
ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT BEFORE BEGIN
BETWEEN BY CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT CONSTRAINT CREATE CROSS
CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATABASE DEFAULT DEFERRABLE DEFERRED DELETE
DESC DETACH DISTINCT DO DROP EACH ELSE END ESCAPE EXCEPT EXCLUDE EXCLUSIVE EXISTS EXPLAIN FAIL
FILTER FIRST FOLLOWING FOR FOREIGN FROM FULL GENERATED GLOB GROUP GROUPS HAVING IF IGNORE
IMMEDIATE IN INDEX INDEXED INITIALLY INNER INSERT INSTEAD INTERSECT INTO IS ISNULL JOIN KEY
LAST LEFT LIKE LIMIT MATCH MATERIALIZED NATURAL NO NOT NOTHING NOTNULL NULL NULLS OF OFFSET ON
OR ORDER OTHERS OUTER OVER PARTITION PLAN PRAGMA PRECEDING PRIMARY QUERY RAISE RANGE RECURSIVE
REFERENCES REGEXP REINDEX RELEASE RENAME REPLACE RESTRICT RETURNING RIGHT ROLLBACK ROW ROWS
SAVEPOINT SELECT SET TABLE TEMP TEMPORARY THEN TIES TO TRANSACTION TRIGGER UNBOUNDED UNION
UNIQUE UPDATE USING VACUUM VALUES VIEW VIRTUAL WHEN WHERE WINDOW WITH WITHOUT
"""

_OGR_SQL = "ILIKE FID OGR_GEOMETRY OGR_STYLE OGR_GEOM_WKT OGR_GEOM_AREA"

_QGIS_EXPRESSIONS = "AND OR NOT LIKE ILIKE IS IN CASE WHEN THEN ELSE END NULL TRUE FALSE"

#: Every reserved word of the three dialects, upper case (compare a name's ``upper()``).
RESERVED_WORDS: frozenset[str] = frozenset(
    (_SQLITE_KEYWORDS + " " + _OGR_SQL + " " + _QGIS_EXPRESSIONS).split())


def reserved_fields(names: Iterable[str]) -> list[str]:
    """The names of ``names`` that are reserved words (:data:`RESERVED_WORDS`, any case)."""
    return [n for n in names if str(n).upper() in RESERVED_WORDS]


def check_field_names(layer: str, names: Iterable[str]) -> None:
    """ValueError naming ``layer`` and its reserved field names, if it has any: a layer built
    with one is a bug of the layer's builder (the fields are ours, never the user's), said
    before a file is written."""
    bad = reserved_fields(names)
    if bad:
        raise ValueError(
            f"layer {layer!r}: field(s) {', '.join(bad)} are reserved words of SQL or QGIS "
            "expressions (report.field_names); name them plainly in the layer's builder "
            "(e.g. seq, end_time)")
