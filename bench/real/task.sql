-- bench/real/task.sql: an SQL workload for `npm run bench` (sqlite3 built from Debian's source package), in memory.
CREATE TABLE item(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT, price REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
INSERT INTO item SELECT i, (i * 7919) % 97, 'item-' || (i * 31337 % 100000), ((i * 104729) % 10000) / 100.0 FROM n;
CREATE INDEX item_grp ON item(grp);
CREATE TABLE grp(id INTEGER PRIMARY KEY, label TEXT);
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 96)
INSERT INTO grp SELECT i, printf('group %02d', i) FROM n;
SELECT count(*), printf('%.2f', sum(price)), min(name), max(name) FROM item;
SELECT g.label, count(*), printf('%.2f', avg(i.price)) FROM item i JOIN grp g ON g.id = i.grp
  GROUP BY g.id ORDER BY avg(i.price) DESC LIMIT 5;
SELECT name FROM item WHERE name LIKE 'item-99%' ORDER BY name LIMIT 5;
UPDATE item SET price = price * 1.1 WHERE grp % 3 = 0;
DELETE FROM item WHERE id % 5 = 0;
SELECT count(*), printf('%.2f', sum(price)) FROM item;
SELECT grp, group_concat(id, ',') FROM (SELECT grp, id FROM item WHERE id < 200 ORDER BY id) GROUP BY grp ORDER BY grp LIMIT 3;
