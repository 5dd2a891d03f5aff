/**
 * One revocation, atomically: the entry key (expiring at `exp`), its index member, its stream entry and
 * the event. A script rather than MULTI because the merge needs the current value: a user's
 * not-before and an entry's expiry only ever move forward, so replays and reorderings are harmless
 * (idempotent), and the index never keeps a superseded not-before. The event names its stream id
 * (`pos`), so a feed knows where it stands and resumes from there after a gap; the stream is trimmed
 * by age as it grows (`MINID ~`: whole nodes at a time, so it reaches back at least that far), by
 * Redis's own clock, the one its stream ids come from.
 * KEYS: entry, index, stream. ARGV: kind, id, value, expAt, member, channel ('' = do not publish nor
 * append: a re-seed, which a new epoch follows), event, now, publish command (`PUBLISH`, or `SPUBLISH` in
 * a cluster: the channel shares the keys' hash tag, so the event stays on the shard's master and the
 * script on one slot), how long the stream keeps an entry (ms).
 */
export const WRITE_SCRIPT = `
local kind, id, value, expAt = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local cur = redis.call('GET', KEYS[1])
if cur then
  local curExp = redis.call('EXPIRETIME', KEYS[1])
  if curExp > expAt then expAt = curExp end
  if kind == 'sub' and tonumber(cur) > tonumber(value) then value = cur end
  if kind == 'sub' and cur ~= value then redis.call('ZREM', KEYS[2], 'sub:' .. cur .. ':' .. id) end
end
local member = ARGV[5]
if kind == 'sub' then member = 'sub:' .. value .. ':' .. id end
redis.call('SET', KEYS[1], value, 'EXAT', expAt)
redis.call('ZADD', KEYS[2], expAt, member)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[8])
if ARGV[6] == '' then return -1 end
local time = redis.call('TIME')
local oldest = math.max(0, tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) - tonumber(ARGV[10]))
local pos = redis.call('XADD', KEYS[3], 'MINID', '~', string.format('%.0f', oldest), '*', 'e', ARGV[7])
return redis.call(ARGV[9], ARGV[6], string.sub(ARGV[7], 1, -2) .. ',"pos":"' .. pos .. '"}')
`;
