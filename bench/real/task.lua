-- bench/real/task.lua: a Lua workload for `npm run bench` (lua5.4 built from Debian's source package).
-- Tables, strings, closures, sorting and floating point, printed so the output can be compared with qemu-riscv64.
local seed = 12345
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n
end

-- word frequencies over generated text
local syll = { "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "xe", "zu" }
local words = {}
for i = 1, 5000 do
  local w = {}
  for _ = 1, 1 + rand(3) do w[#w + 1] = syll[1 + rand(#syll)] end
  words[i] = table.concat(w)
end
local text = table.concat(words, " ")
local freq = {}
for w in text:gmatch("%a+") do freq[w] = (freq[w] or 0) + 1 end
local keys = {}
for k in pairs(freq) do keys[#keys + 1] = k end
table.sort(keys, function(a, b) if freq[a] ~= freq[b] then return freq[a] > freq[b] end return a < b end)
for i = 1, 5 do io.write(keys[i], "=", freq[keys[i]], " ") end
print(#keys)

-- string building and pattern substitution
local s = text:sub(1, 8000):gsub("(%a)(%a*)", function(a, b) return a:upper() .. b end)
print(#s, s:sub(1, 40))

-- sort 12k numbers, sum a float series
local t = {}
for i = 1, 12000 do t[i] = rand(1000000) end
table.sort(t)
local acc = 0.0
for i = 1, #t do acc = acc + math.sqrt(t[i]) / i end
print(t[1], t[#t], string.format("%.6f", acc))

-- closures and recursion
local function memo(f)
  local cache = {}
  return function(n) local v = cache[n]; if v == nil then v = f(n); cache[n] = v end; return v end
end
local fib
fib = memo(function(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end)
local function ack(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end
print(fib(80), ack(2, 100))
