# bench/real/filter.jq: a jq workload for `npm run bench` (jq built from Debian's source package).
[.[] | select(.age >= 30) | {name, city, score: (.score * 2), tags: (.tags | map(ascii_upcase) | join("/"))}]
| group_by(.city)
| map({city: .[0].city, n: length, avg: ((map(.score) | add) / length | floor), top: (max_by(.score) | .name),
       tags: (map(.tags) | unique | length)})
| sort_by(-.n)
