## Training: intents, the trained model, auto-replies and replies routed to the admins

command-training = Automatic replies to campaign responses

training-btn-open = 🧠 Training
training-usage = Send /training followed by the campaign number, for example /training 12, or open a campaign in /campaigns and press 🧠 Training.
training-other-wizard = Finish the question above first, or send /cancel.
training-busy = You are on a training screen. Answer the question above, or send /cancel to close it.
training-closed = Training screen closed. Saved intents stay saved; anything half-typed was dropped.
training-finished = Done. Send /training again any time to change the intents.

training-title = 🧠 Training — #{ $id } “{ $name }” ({ $platform })
training-status = Status: { $training }
training-stale = ⚠️ The intents changed after the last training: press 🎓 Train again to use them.
training-last-error = Last training failed: { $reason }
training-auto-line = Auto-replies: { $on ->
    [on] on
   *[off] off
    } · sent { $sent } · sent to admins { $routed }
training-no-intents = No intents yet. An intent is a kind of question (for example “price”), a few ways people ask it, and the answer to send.
training-intents = Intents ({ $count }):
training-intent-line = • { $name } — { $count ->
    [one] 1 example
   *[other] { $count } examples
    }
training-rules = Training needs at least { $intents } intents with at least { $examples } examples each. Replies are sent automatically at { $threshold } % confidence or more, at most { $limit } per contact per hour; everything else goes to the admins.

training-btn-add-intent = ➕ Add intent
training-btn-train = 🎓 Train
training-btn-test = 🧪 Test AI responses
training-btn-auto = { $on ->
    [on] 🔁 Auto-replies: on (tap to pause)
   *[off] 🔁 Auto-replies: off (tap to resume)
    }
training-btn-done = ✅ Done
training-btn-continue = Continue ➡
training-btn-clear = 🗑 Clear examples
training-btn-add-examples = ➕ Add examples
training-btn-response = ✏️ Change response
training-btn-delete = 🗑 Delete intent
training-btn-answer = ✍️ Answer

training-ask-name = New intent: what is it called? (a short name such as “price” or “delivery”)
training-as-text = Please type it as a text message.
training-ask-examples = Examples for “{ $name }”: send questions or keywords people write, one per line. { $count ->
    [0] At least { $min } are needed for training.
   *[other] So far { $count } (at least { $min } are needed for training):
    }
    { $list }
training-examples-added = { $count ->
    [0] Those examples were there already.
    [one] 1 example added.
   *[other] { $count } examples added.
    }
training-ask-response = What should the bot answer when someone asks about “{ $name }”? Type the response (up to 4096 characters).
training-intent-saved = Intent “{ $name }” saved with { $count ->
    [one] 1 example
   *[other] { $count } examples
    }.
training-intent = Intent “{ $name }” — { $count ->
    [one] 1 example
   *[other] { $count } examples
    }:
    { $list }

    Response:
    { $response }
training-intent-deleted = Intent “{ $name }” deleted.

training-started = ⏳ Training…
training-trained = Trained on { $intents } intents and { $examples } examples. Try it with 🧪 Test AI responses.
training-not-trained = Not trained: { $reason }

training-ask-test = 🧪 Type a message the way a contact would write it. I show what would be sent (replies at { $threshold } % confidence or more are sent automatically).
training-test-reply = ✅ Would send automatically (intent “{ $intent }”, confidence { $confidence } %):

    { $response }
training-test-routed = ↪️ Nothing would be sent automatically: best guess “{ $intent }” at { $confidence } % confidence, below { $threshold } %. The message would go to the admins to answer.

training-routed = 💬 Reply to #{ $id } “{ $name }” ({ $platform }) from { $from }:

    { $text }

    { $reason }
training-routed-reason = { $reason ->
    [rate_limited] Not answered automatically: this contact reached the hourly auto-reply limit (intent “{ $intent }”, { $confidence } %).
    [unmatched] Not answered automatically: the best guess “{ $intent }” ({ $confidence } %) shares no word with its examples.
   *[low_confidence] Not answered automatically: confidence { $confidence } % (best guess “{ $intent }”).
    }
training-answer-ask = Type your answer to:
    “{ $text }”
training-answer-sent = ✅ Answer sent.
training-answer-queued = ✅ Answer queued: the WhatsApp connection sends it to the contact.
training-answer-failed = The answer could not be delivered: { $error }
training-reply-forwarded = Thanks! We have passed your message on; a person will answer you soon.
training-reply-received = Thanks, we have received your message.

error-training-groups-only = Training answers private replies: this Telegram campaign only goes to groups and channels. Training works for WhatsApp campaigns and Telegram campaigns sent to subscribers.
error-training-empty-example = That example is empty. Send at least one question or keyword.
error-training-example-too-long = That example is { $length } characters; the limit is { $limit }.
error-training-too-many-examples = An intent can have at most { $limit } examples.
error-training-too-many-intents = A campaign can have at most { $limit } intents.
error-training-intent-name = An intent name needs 1–{ $limit } characters.
error-training-duplicate-intent = There is already an intent called “{ $name }”.
error-training-empty-response = The response is empty.
error-training-response-too-long = The response is { $length } characters; the limit is { $limit }.
error-training-too-few-intents = there { $count ->
    [one] is 1 intent
   *[other] are { $count } intents
    }; training needs at least { $min }.
error-training-too-few-examples = intent “{ $name }” has { $count ->
    [one] 1 example
   *[other] { $count } examples
    }; each intent needs at least { $min }.
error-training-conflict = “{ $example }” is an example of both “{ $first }” and “{ $second }”; keep it under one intent.
error-training-no-model = This campaign is not trained yet: press 🎓 Train first.
error-training-in-progress = This campaign is being trained right now; try again in a moment.
error-training-model-too-large = The trained model is too large to store; use fewer examples.
error-training-failed = training failed on our side; the campaign stays Not trained.
error-training-already-answered = Someone has answered that message already.
training-no-model-yet = ⚠️ No model has been built yet, so nothing is answered automatically: add intents and press 🎓 Train.
training-test-unmatched = ↪️ Nothing would be sent automatically: the model guesses “{ $intent }” at { $confidence } %, but the message shares no word with that intent's examples. It would go to the admins; add it as an example if it belongs there.
