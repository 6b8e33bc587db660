# Groups and channels: the bot added or removed, /optout.
membership-added = ➕ I was added to { $type ->
    [group] the group
    [supergroup] the group
   *[channel] the channel
} “{ $title }” ({ $members } { $members ->
    [one] member
   *[other] members
}) by { $by }. It is now available as a campaign audience.
membership-removed = ➖ I am no longer in { $type ->
    [group] the group
    [supergroup] the group
   *[channel] the channel
} “{ $title }” ({ $status ->
    [kicked] removed
   *[left] left
} by { $by }). Campaigns skip it from now on.
membership-opted-out = 🚫 “{ $title }” opted out of campaigns (by { $by }). Nothing is sent there any more.
membership-optout-done = ✅ This chat is opted out: it will receive no more campaigns from this bot. To take campaigns again, an administrator sends /optin here.
membership-optout-already = This chat is already opted out of campaigns.
membership-optout-refused = Sorry, only this group's administrators can opt it out of campaigns.
membership-opted-in = ✅ “{ $title }” takes campaigns again (by { $by }).
membership-optin-done = ✅ This chat takes campaigns from this bot again.
membership-optin-already = This chat already takes campaigns; /optout stops them.
membership-optin-refused = Sorry, only this group's administrators can opt it back in to campaigns.
