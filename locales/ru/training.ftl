## Обучение: интенты, обученная модель, автоответы и ответы, переданные администраторам

command-training = Автоответы на отклики по кампаниям

training-btn-open = 🧠 Обучение
training-usage = Отправьте /training и номер кампании, например /training 12, или откройте кампанию в /campaigns и нажмите 🧠 Обучение.
training-other-wizard = Сначала ответьте на вопрос выше или отправьте /cancel.
training-busy = Открыт экран обучения. Ответьте на вопрос выше или отправьте /cancel, чтобы закрыть его.
training-closed = Экран обучения закрыт. Сохранённые интенты остались; недописанное не сохранено.
training-finished = Готово. Отправьте /training снова, чтобы изменить интенты.

training-title = 🧠 Обучение — №{ $id } «{ $name }» ({ $platform })
training-status = Статус: { $training }
training-stale = ⚠️ Интенты изменились после обучения: нажмите 🎓 Обучить ещё раз.
training-last-error = Последнее обучение не удалось: { $reason }
training-auto-line = Автоответы: { $on ->
    [on] включены
   *[off] выключены
    } · отправлено { $sent } · передано админам { $routed }
training-no-intents = Интентов пока нет. Интент — это тип вопроса (например, «цена»), несколько формулировок и ответ, который отправит бот.
training-intents = Интенты ({ $count }):
training-intent-line = • { $name } — примеров: { $count }
training-rules = Для обучения нужно не меньше { $intents } интентов и не меньше { $examples } примеров в каждом. Ответ уходит автоматически при уверенности от { $threshold } %, не больше { $limit } в час одному контакту; остальное получают администраторы.

training-btn-add-intent = ➕ Добавить интент
training-btn-train = 🎓 Обучить
training-btn-test = 🧪 Проверить ответы ИИ
training-btn-auto = { $on ->
    [on] 🔁 Автоответы: вкл. (нажмите, чтобы приостановить)
   *[off] 🔁 Автоответы: выкл. (нажмите, чтобы включить)
    }
training-btn-done = ✅ Готово
training-btn-continue = Далее ➡
training-btn-clear = 🗑 Очистить примеры
training-btn-add-examples = ➕ Добавить примеры
training-btn-response = ✏️ Изменить ответ
training-btn-delete = 🗑 Удалить интент
training-btn-answer = ✍️ Ответить

training-ask-name = Новый интент: как его назвать? (коротко, например «цена» или «доставка»)
training-as-text = Пожалуйста, напишите это текстом.
training-ask-examples = Примеры для «{ $name }»: отправьте вопросы или ключевые слова, по одному в строке. { $count ->
    [0] Для обучения нужно не меньше { $min }.
   *[other] Уже { $count } (для обучения нужно не меньше { $min }):
    }
    { $list }
training-examples-added = { $count ->
    [0] Эти примеры уже были.
   *[other] Добавлено примеров: { $count }.
    }
training-ask-response = Что ответить, когда спрашивают про «{ $name }»? Напишите ответ (до 4096 символов).
training-intent-saved = Интент «{ $name }» сохранён, примеров: { $count }.
training-intent = Интент «{ $name }» — примеров: { $count }:
    { $list }

    Ответ:
    { $response }
training-intent-deleted = Интент «{ $name }» удалён.

training-started = ⏳ Обучение…
training-trained = Обучено: интентов { $intents }, примеров { $examples }. Проверьте через 🧪 Проверить ответы ИИ.
training-not-trained = Не обучено: { $reason }

training-ask-test = 🧪 Напишите сообщение так, как написал бы контакт. Я покажу, что будет отправлено (автоматически — при уверенности от { $threshold } %).
training-test-reply = ✅ Будет отправлено автоматически (интент «{ $intent }», уверенность { $confidence } %):

    { $response }
training-test-routed = ↪️ Автоматически ничего не отправится: лучший вариант «{ $intent }» с уверенностью { $confidence } %, ниже { $threshold } %. Сообщение получат администраторы.

training-routed = 💬 Ответ на №{ $id } «{ $name }» ({ $platform }) от { $from }:

    { $text }

    { $reason }
training-routed-reason = { $reason ->
    [rate_limited] Без автоответа: контакт исчерпал часовой лимит автоответов (интент «{ $intent }», { $confidence } %).
    [unmatched] Без автоответа: у лучшего варианта «{ $intent }» ({ $confidence } %) нет общих слов с его примерами.
   *[low_confidence] Без автоответа: уверенность { $confidence } % (лучший вариант «{ $intent }»).
    }
training-answer-ask = Напишите ответ на:
    «{ $text }»
training-answer-sent = ✅ Ответ отправлен.
training-answer-queued = ✅ Ответ в очереди: его отправит подключение WhatsApp.
training-answer-failed = Не удалось доставить ответ: { $error }
training-reply-forwarded = Спасибо! Мы передали ваше сообщение, скоро вам ответят.
training-reply-received = Спасибо, мы получили ваше сообщение.

error-training-groups-only = Обучение отвечает на личные сообщения, а эта кампания Telegram уходит только в группы и каналы. Обучение доступно для кампаний WhatsApp и кампаний Telegram для подписчиков.
error-training-empty-example = Пример пустой. Отправьте хотя бы один вопрос или ключевое слово.
error-training-example-too-long = В примере { $length } символов, максимум { $limit }.
error-training-too-many-examples = В интенте может быть не больше { $limit } примеров.
error-training-too-many-intents = В кампании может быть не больше { $limit } интентов.
error-training-intent-name = Название интента: от 1 до { $limit } символов.
error-training-duplicate-intent = Интент «{ $name }» уже есть.
error-training-empty-response = Ответ пустой.
error-training-response-too-long = В ответе { $length } символов, максимум { $limit }.
error-training-too-few-intents = интентов: { $count }, для обучения нужно не меньше { $min }.
error-training-too-few-examples = в интенте «{ $name }» примеров: { $count }, нужно не меньше { $min }.
error-training-conflict = «{ $example }» — пример сразу для «{ $first }» и «{ $second }»; оставьте его в одном интенте.
error-training-no-model = Кампания ещё не обучена: сначала нажмите 🎓 Обучить.
error-training-in-progress = Кампания сейчас обучается; попробуйте чуть позже.
error-training-model-too-large = Обученная модель слишком большая; уменьшите число примеров.
error-training-failed = обучение не удалось по нашей вине; кампания осталась необученной.
error-training-already-answered = На это сообщение уже ответили.
training-no-model-yet = ⚠️ Модель ещё не построена, автоответов нет: добавьте интенты и нажмите 🎓 Обучить.
training-test-unmatched = ↪️ Автоматически ничего не отправится: модель думает, что это «{ $intent }» ({ $confidence } %), но в сообщении нет ни одного слова из примеров этого интента. Сообщение получат администраторы; добавьте его в примеры, если оно туда подходит.
