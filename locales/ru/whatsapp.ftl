# /whatsapp: подключение, которым владеет роль whatsapp (состояние в Redis, команды через Redis).
whatsapp-title = 🟢 WhatsApp
whatsapp-state = Подключение: { $state }
whatsapp-state-offline = роль whatsapp ещё не отозвалась (запущен ли ROLES=…,whatsapp?)
whatsapp-state-starting = запускается…
whatsapp-state-qr = ждёт сканирования QR-кода
whatsapp-state-authenticated = вход выполнен, загружаются чаты…
whatsapp-state-ready = ✅ подключено
whatsapp-state-disconnected = ⚠️ соединение потеряно
whatsapp-state-logged_out = выход выполнен
whatsapp-state-auth_failure = ⚠️ вход не удался
whatsapp-state-failed = ❌ не удалось запустить
whatsapp-state-stopped = остановлено
whatsapp-account = Аккаунт: { $account }
whatsapp-last-reason = Причина: { $reason }
whatsapp-test-phone = Ваш тестовый номер: { $phone }
whatsapp-test-phone-none = Ваш тестовый номер: не задан (нужен для «сначала отправить тестовое сообщение»)
whatsapp-qr-hint = Отсканируйте присланный QR-код: WhatsApp на телефоне → Настройки → Связанные устройства → Привязка устройства. Или запросите код для входа.
whatsapp-btn-connect = 🔌 Подключить
whatsapp-btn-pair = 🔢 Код для входа
whatsapp-btn-logout = 🚪 Выйти
whatsapp-btn-logout-yes = 🚪 Да, выйти
whatsapp-btn-back = ⬅ Назад
whatsapp-btn-test-phone = 📱 Тестовый номер
whatsapp-btn-refresh = 🔄 Обновить
whatsapp-btn-go = ✅ Всё верно, отправить всем
whatsapp-btn-go-yes = ✅ Да, отправить всем
whatsapp-admins-only = Управлять WhatsApp могут только администраторы этого бота.
whatsapp-viewers-read-only = Наблюдатели видят подключение WhatsApp, но не могут его менять.
whatsapp-button-outdated = Эта кнопка устарела: ничего не изменено.
whatsapp-already = WhatsApp уже в состоянии: { $state }.
whatsapp-connect-requested = 🔌 Подключаемся к WhatsApp… Вы получите QR-код для сканирования или сообщение о подключении.
whatsapp-connect-queued-offline = 🔌 Запрос отправлен, но роль whatsapp не запущена: запустите её (ROLES=…,whatsapp) в течение двух минут.
whatsapp-connecting = 🔌 Запускаем WhatsApp Web…
whatsapp-not-connected = WhatsApp не подключён.
whatsapp-logout-confirm = Выйти из WhatsApp? Отправка остановится, пока кто-нибудь не отсканирует новый QR-код.
whatsapp-logout-requested = 🚪 Выходим…
whatsapp-logged-out = 🚪 Выход из WhatsApp выполнен. Нажмите «Подключить» в /whatsapp, чтобы привязать телефон снова.
whatsapp-pair-prompt = 🔢 Пришлите номер телефона аккаунта WhatsApp с кодом страны, например +7 912 345-67-89.
whatsapp-pair-unavailable = Код для входа можно запросить, только пока WhatsApp ждёт входа (показан QR-код). Сначала нажмите «Подключить».
whatsapp-pair-requested = 🔢 Запрашиваем у WhatsApp код для { $phone }…
whatsapp-pair-code =
    🔢 Код для входа для { $phone }: { $code }
    На этом телефоне: WhatsApp → Настройки → Связанные устройства → Привязка устройства → Привязать по номеру телефона, затем введите код.
whatsapp-pair-failed = ⚠️ WhatsApp не выдал код для входа: { $detail }
whatsapp-invalid-phone = «{ $input }» — не номер телефона. Пришлите его с кодом страны, например +7 912 345-67-89, или нажмите ✖ Отмена.
whatsapp-test-phone-prompt = 📱 Пришлите ваш тестовый номер WhatsApp с кодом страны (например +7 912 345-67-89). Кампании с «сначала отправить тестовое сообщение» сначала придут туда.
whatsapp-test-phone-saved = 📱 Тестовый номер сохранён: { $phone }.
whatsapp-qr-caption = Отсканируйте в WhatsApp → Настройки → Связанные устройства → Привязка устройства. (QR { $n } из { $max }; обновляется сам.)
whatsapp-ready = ✅ WhatsApp подключён: { $account }.
whatsapp-down =
    ⚠️ WhatsApp не подключён: { $reason }
    { $detail }
    Нажмите «Подключить» в /whatsapp, чтобы попробовать снова.
whatsapp-down-retrying =
    ⚠️ WhatsApp не подключён: { $reason }
    { $detail }
    Новая попытка сама через { $seconds } с (или нажмите «Подключить» в /whatsapp).
whatsapp-reason-no_chromium = не удалось запустить Chromium (проверьте CHROME_PATH)
whatsapp-reason-no_network = нет сети: WhatsApp Web недоступен
whatsapp-reason-timeout = WhatsApp Web не загрузился вовремя
whatsapp-reason-auth_timeout = WhatsApp Web не догрузился (тайм-аут входа)
whatsapp-reason-auth_failure = сохранённая сессия отклонена; войдите снова
whatsapp-reason-remote_auth_unavailable = WHATSAPP_AUTH=remote: хранилище сессии в MongoDB недоступно
whatsapp-reason-logged_out = выход выполнен (с телефона или здесь)
whatsapp-reason-logout = выход выполнен здесь
whatsapp-reason-disconnected = соединение потеряно
whatsapp-reason-qr_expired = QR-код никто не отсканировал
whatsapp-reason-error = непредвиденная ошибка
whatsapp-reason-media_unavailable = файл кампании не удалось скачать из Telegram
whatsapp-reason-no_test_phone = не задан тестовый номер
whatsapp-reason-test_failed = тестовое сообщение не отправилось
whatsapp-run-paused = ⏸ { $name } (#{ $id }) приостановлена: { $reason }. Отправлено: { $sent } из { $total }. Она продолжится с того же места, когда вы возобновите её в /campaigns.
whatsapp-resume-offer = ▶ WhatsApp снова может отправлять. Приостановлены, пока он был недоступен:
    { $list }
    Возобновите каждую, когда будете готовы (бот попросит подтвердить):
whatsapp-resume-item = • { $name } (#{ $id }): отправлено { $sent } из { $total }
whatsapp-resume-item-unstarted = • { $name } (#{ $id }): ещё не начата
whatsapp-btn-resume = ▶ Продолжить #{ $id }
whatsapp-test-no-phone = ⏸ { $name } (#{ $id }) ждёт тестового сообщения, но у вас не задан тестовый номер: укажите его в /whatsapp → 📱 Тестовый номер и возобновите кампанию.
whatsapp-test-failed = ⏸ { $name } (#{ $id }): тестовое сообщение не отправилось ({ $reason }). Кампания приостановлена.
whatsapp-test-sent = 📱 Тестовое сообщение кампании { $name } (#{ $id }) отправлено на { $phone }. Проверьте его на телефоне и отправьте кампанию всем:
whatsapp-test-approved = ✅ Кампания #{ $id } отправляется.
whatsapp-go-confirm = Тестовое сообщение кампании #{ $id } выглядит правильно? Тогда отправьте её всем сейчас.
# Отправляется в WhatsApp контакту, написавшему СТОП / ОТПИСАТЬСЯ.
whatsapp-optout-confirmed = Вы отписались и больше не будете получать от нас сообщения.
