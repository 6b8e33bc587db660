subscriber-start =
    Hi { $name }! You are subscribed: you will get our news and offers here.
    Send /stop at any time to unsubscribe.
subscriber-start-again =
    You are already subscribed, { $name }.
    Send /stop at any time to unsubscribe.
subscriber-stopped = You are unsubscribed. We won't send you campaigns any more. Send /start to subscribe again.
subscriber-not-subscribed = You are not subscribed. Send /start to subscribe.
subscriber-help =
    /start: subscribe to our messages
    /stop: unsubscribe at once
subscriber-unknown-text = I'm a broadcast bot and can't answer messages here. /start subscribes you, /stop unsubscribes you.
