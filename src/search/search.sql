-- The site search (src/search/query.rs): $1 the query for German entries (umlauts read in, see
-- words.rs), $2 for English ones, $3 the visitor's language, $4 results per page, $5 how many
-- to skip. A document or member has an entry per language; it is listed once, in $3 if it can.
-- tests/bench/search-db-time runs this file as it is, to measure it.
with query as (
    select websearch_to_tsquery('german', $1) as german,
           websearch_to_tsquery('english', $2) as english
),
found as (
    select distinct on (entry.item_key)
           entry.kind, entry.locale, entry.path, entry.title, entry.body,
           ts_rank(entry.searchable,
                   case entry.locale when 'de' then query.german
                                     else query.english end) as rank
    from search_entry as entry, query
    where (entry.locale = 'de' and entry.searchable @@ query.german)
       or (entry.locale = 'en' and entry.searchable @@ query.english)
    order by entry.item_key, entry.locale = $3 desc
)
select kind as "kind!: SearchKind", locale as "locale!: Locale", path as "path!",
       title as "title!", body as "body!", count(*) over () as "total!"
from found
order by locale = $3 desc, rank desc, title
limit $4 offset $5
