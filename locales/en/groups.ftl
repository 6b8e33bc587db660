# /groups: the chats the bot is in and their subscribers.
groups-title = 👥 Groups and channels ({ $total }) · page { $page }/{ $pages }
groups-empty = The bot is in no group or channel yet. Add it to one: it registers the chat and tells you.
groups-line = { $n }. { $title } — { $type ->
    [group] group
    [supergroup] supergroup
   *[channel] channel
}, { $members } { $members ->
    [one] member
   *[other] members
}
groups-chat-title = 👥 { $title }
groups-chat-info = { $type ->
    [group] Group
    [supergroup] Supergroup
   *[channel] Channel
} · { $members } { $members ->
    [one] member
   *[other] members
} · ID { $id }
groups-chat-opted-out = 🚫 Opted out of campaigns by its administrators.
groups-chat-cannot-post = ⚠️ The bot may not post here (make it an administrator with the right to post).
groups-chat-gone = This chat is no longer known to the bot.
groups-subscribers-title = Subscribers seen in this chat: { $total } · page { $page }/{ $pages }
groups-subscribers-empty = Nobody yet: members appear once they write in the chat or join it.
groups-subscriber-line = { $id } · { $name } · { $username }
groups-btn-export = ⬇ Export CSV
groups-btn-back-groups = ⬅ All groups
groups-btn-back-group = ⬅ Back to the group
groups-btn-back-user = ⬅ Back
groups-btn-no = ✖ No, go back
groups-export-caption = ⬇ { $count } { $count ->
    [one] subscriber
   *[other] subscribers
} of { $title }.

groups-user-title = 👤 { $name } · { $username } · ID { $id }
groups-user-subscribed = Direct messages: { $subscribed ->
    [yes] subscribed
   *[no] not subscribed
}
groups-user-blocked = Blocked: { $blocked ->
    [admin] yes, by an admin
    [user] yes, the user blocked the bot
   *[no] no
}
groups-user-segments = Segments: { $segments }
groups-user-groups = Seen in { $count } { $count ->
    [one] group
   *[other] groups
}
groups-user-gone = This user is no longer known to the bot.
groups-btn-dm = ✉️ Direct message
groups-btn-segment = 🏷 Add to segment
groups-btn-remove = ✕ Remove from group
groups-btn-block = ⛔ Block user

groups-remove-confirm = Remove { $name } from the subscribers of { $title }? They stay in the Telegram chat itself.
groups-btn-remove-yes = ✕ Yes, remove
groups-removed = ✕ { $name } is removed from { $title }.
groups-not-in-group = { $name } was not listed in { $title } any more.
groups-block-confirm = Block { $name }? Nothing will be sent to them any more.
groups-btn-block-yes = ⛔ Yes, block
groups-blocked = ⛔ { $name } is blocked: nothing is sent to them any more.
groups-segment-title = 🏷 Add { $name } to which segment?
groups-segment-added = 🏷 { $name } is in “{ $segment }”.

groups-dm-prompt = ✉️ Type the message for { $name }. You will see it once more before it is sent.
groups-dm-confirm =
    Send this to { $name }?

    { $text }
groups-btn-dm-send = ✉️ Send
groups-dm-blocked-user = This user is blocked: nothing is sent to them.
groups-dm-sent = ✅ Message sent to { $name }.
groups-dm-failed-blocked = ⚠️ Not sent: { $name } has blocked the bot.
groups-dm-failed-deactivated = ⚠️ Not sent: { $name }'s account was deleted.
groups-dm-failed-not-started = ⚠️ Not sent: { $name } has never opened a chat with the bot, and Telegram lets bots write only to people who did.
groups-dm-failed-rate = ⚠️ Not sent: Telegram asks to slow down. Try again in a minute.
groups-dm-failed-network = ⚠️ Not sent: Telegram could not be reached. Try again.
groups-dm-failed-other = ⚠️ Not sent to { $name }: Telegram answered “{ $description }”.
