# /newcampaign: мастер из шести шагов (основное, аудитория, сообщение, расписание, настройки, проверка).

wizard-back = ⬅ Назад
wizard-cancel = ✖ Отмена
wizard-continue = Далее ➡
wizard-skip = Пропустить ➡
wizard-cancelled = Создание кампании отменено. Ничего не сохранено.
wizard-nothing-to-cancel = Отменять нечего.
wizard-busy = Вы создаёте кампанию. Ответьте на вопрос выше или отправьте /cancel, чтобы выйти из мастера.
wizard-already-running = Вы уже создаёте кампанию: ответьте на вопрос выше или отправьте /cancel, чтобы начать заново.
wizard-use-buttons = Пожалуйста, выберите кнопкой ниже.
wizard-outdated-button = Эта кнопка относится к прошлому вопросу: ничего не изменилось. Вот текущий вопрос ещё раз.
wizard-template-missing = Этого шаблона больше нет; начнём с чистого листа.
wizard-option = { $mark } { $name } ({ $count })
wizard-page = { $page }/{ $pages }

## Шаг 1: основное
wizard-name =
    ➕ Новая кампания · шаг { $step } из { $steps }: основное

    Как назовём кампанию? Отправьте название от 1 до 100 символов.
    Например: Flash Sale Weekend Offer

    /cancel в любой момент выходит из мастера; до последнего шага ничего не сохраняется.
wizard-name-as-text = Пожалуйста, отправьте название текстом.
wizard-keep-name = Оставить «{ $name }»
wizard-use-template-name = Взять «{ $name }»
wizard-platform =
    Шаг { $step } из { $steps }: основное

    Куда отправить «{ $name }»?
wizard-platform-whatsapp = 🟢 WhatsApp
wizard-platform-telegram = ✈️ Telegram
wizard-type =
    Шаг { $step } из { $steps }: основное

    Какой это тип кампании?
wizard-type-promotional = Рекламная
wizard-type-informational = Информационная
wizard-type-event_announcement = Анонс события
wizard-type-follow_up = Повторный контакт
wizard-type-engagement = Вовлечение

## Шаг 2: аудитория
wizard-all-contacts = Все контакты
wizard-all-subscribers = Все подписчики
wizard-all-groups = Выбрать все группы
wizard-audience-whatsapp =
    Шаг { $step } из { $steps }: аудитория (WhatsApp)

    Отметьте получателей и нажмите «Далее».

    Примерный охват: { $reach } { $reach ->
        [one] контакт
        [few] контакта
       *[other] контактов
    }
wizard-audience-telegram =
    Шаг { $step } из { $steps }: аудитория (Telegram)

    Отметьте подписчиков, группы и каналы и нажмите «Далее».

    Примерный охват: { $reach } { $reach ->
        [one] участник
        [few] участника
       *[other] участников
    }
wizard-audience-no-groups = Бот пока не состоит ни в одной группе или канале. Добавьте его (в каналы — администратором), и они появятся здесь.

## Шаг 3: сообщение
wizard-content =
    Шаг { $step } из { $steps }: сообщение

    Отправьте текст сообщения (до { $limit } символов) или возьмите шаблон.
    Можно отправить и фото, видео или документ с подписью.

    Форматирование: *жирный* _курсив_ `моно` ~зачёркнутый~ и ссылки вида [текст](https://example.com)
    Персонализация: [Name] или [First name] подставляются для каждого получателя.
wizard-use-template = 🧩 Взять шаблон
wizard-keep-text = Оставить текущий текст ➡
wizard-content-expected = Отправьте сообщение текстом или фото, видео либо документ с подписью.
wizard-templates = Выберите шаблон. Затем заполните его пропуски.
wizard-fill =
    Заполнение шаблона ({ $index } из { $count })

    { $preview }

    Введите значение для { $placeholder }:
wizard-fill-empty = Для { $placeholder } нужно значение: введите его текстом.
wizard-text-count = Текст: { $length } / { $limit } символов.
wizard-media =
    Шаг { $step } из { $steps }: вложение (необязательно)

    Отправьте фото (JPG, PNG, GIF), видео (MP4, до { $video }) или документ (PDF, DOC), чтобы прикрепить его, или нажмите «Пропустить».
    С вложением текст становится подписью (до 1 024 символов).

    Прикреплено: { $current }
wizard-media-none = ничего
wizard-media-kind-photo = Фото
wizard-media-kind-video = Видео
wizard-media-kind-document = Документ
wizard-keep-media = Оставить ➡
wizard-remove-media = 🗑 Убрать вложение
wizard-media-expected = Отправьте фото, видео или документ либо нажмите «Пропустить».
wizard-media-added = Прикреплено: { $media }
wizard-caption-too-long = С вложением текст становится подписью длиной не более { $limit } символов, а в вашем { $length }. Вернитесь ⬅ Назад и сократите текст или пропустите вложение.
wizard-buttons =
    Шаг { $step } из { $steps }: кнопки-ссылки (необязательно)

    Отправьте по одной кнопке в строке в виде
    Текст кнопки - https://example.com
    Несколько кнопок в одной строке разделяйте знаком |

    Кнопок сейчас: { $count }
wizard-keep-buttons = Оставить ➡
wizard-remove-buttons = 🗑 Убрать кнопки
wizard-buttons-format = Строка { $line } не похожа на «Текст кнопки - https://…». Отправьте по одной кнопке в строке в таком виде.
wizard-buttons-added = Кнопок-ссылок: { $count }

## Шаг 4: расписание
wizard-when =
    Шаг { $step } из { $steps }: расписание

    Отправить сразу или запланировать?
wizard-send-now = 🚀 Отправить сейчас
wizard-schedule-later = 🕐 Запланировать
wizard-zone-button = 🌐 Часовой пояс: { $zone }
wizard-date =
    Шаг { $step } из { $steps }: дата

    Часовой пояс: { $zone } (там сегодня { $today })
    Выберите день или введите дату в виде ГГГГ-ММ-ДД.
wizard-today = Сегодня ({ $date })
wizard-tomorrow = Завтра ({ $date })
wizard-date-as-text = Введите дату текстом в виде ГГГГ-ММ-ДД, например 2026-12-24.
wizard-date-past = { $date } уже прошло: сегодня { $today } ({ $zone }). Выберите сегодня или более поздний день.
wizard-time =
    Шаг { $step } из { $steps }: время

    Дата: { $date } ({ $zone })
    Введите время в виде ЧЧ:ММ (24 часа), например 17:57, или выберите.
wizard-time-as-text = Введите время текстом в виде ЧЧ:ММ, например 17:57.
wizard-time-past = { $when } уже прошло (сейчас { $now }). Выберите более позднее время.
wizard-zone =
    Часовой пояс

    Сейчас: { $zone }
    Нажмите на пояс или введите его имя IANA, например Asia/Tokyo или Europe/Moscow.
wizard-zone-as-text = Введите имя пояса текстом, например Europe/Moscow.
wizard-repeat =
    Шаг { $step } из { $steps }: повтор

    Первая отправка: { $when }
    Отправить один раз или повторять?
wizard-frequency-none = Один раз
wizard-frequency-daily = Ежедневно
wizard-frequency-weekly = Еженедельно
wizard-frequency-monthly = Ежемесячно
wizard-frequency-custom = Своё (cron)
wizard-cron =
    Шаг { $step } из { $steps }: свой повтор

    Введите выражение cron из пяти полей: минута час день месяц день-недели.
    Например: 0 9 * * 1 (по понедельникам в 09:00, { $zone })
wizard-cron-as-text = Введите выражение cron текстом, например 0 9 * * 1.
wizard-end =
    Шаг { $step } из { $steps }: дата окончания

    Последний день повторов в виде ГГГГ-ММ-ДД ({ $zone }; не раньше { $start }) или без окончания.
wizard-no-end = Без окончания

## Шаг 5: настройки
wizard-settings-whatsapp =
    Шаг { $step } из { $steps }: дополнительные настройки (WhatsApp)

    Нажмите на параметр, чтобы переключить его; на число — чтобы изменить.
wizard-settings-telegram =
    Шаг { $step } из { $steps }: дополнительные настройки (Telegram)

    Нажмите на параметр, чтобы переключить его.
wizard-setting-splitIntoLists = Делить на списки рассылки (до 256)
wizard-setting-trackDelivery = Отслеживать доставку
wizard-setting-trackRead = Отслеживать прочтение
wizard-setting-sendTestFirst = Сначала тестовое сообщение
wizard-setting-linkPreview = Предпросмотр ссылок
wizard-setting-maxPerMinute = ⏱ Сообщений в минуту, не более: { $value }
wizard-setting-batchDelaySeconds = ⏳ Пауза между пакетами: { $value } с
wizard-setting-disableLinkPreview = Без предпросмотра ссылок
wizard-setting-disableNotification = Без уведомления
wizard-setting-pin = Закрепить сообщение
wizard-setting-inlineKeyboard = Добавить кнопки
wizard-setting-botInteractions = Включить команды бота
wizard-setting-paidBroadcast = Платная рассылка (до 1 000 сообщений/с)
wizard-number-maxPerMinute = Введите максимум сообщений в минуту ({ $min }–{ $max }). Сейчас: { $current }
wizard-number-batchDelaySeconds = Введите паузу между пакетами в секундах ({ $min }–{ $max }). Сейчас: { $current }
wizard-number-invalid-integer = Введите целое число от { $min } до { $max }.
wizard-number-invalid = Введите число секунд от { $min } до { $max }.

## Шаг 6: проверка
wizard-review-title = 📋 Проверка кампании (шаг 6 из 6)
wizard-review-name = Название: { $name }
wizard-review-platform = Платформа: { $platform }
wizard-review-type = Тип: { $type }
wizard-review-status-scheduled = Статус: 🕐 Запланирована (после подтверждения)
wizard-review-status-now = Статус: 🚀 Отправится сразу после подтверждения
wizard-review-recipients-whatsapp = Получатели: { $reach } { $reach ->
        [one] контакт
        [few] контакта
       *[other] контактов
    } (примерный охват)
wizard-review-recipients-telegram = Получатели: { $reach } { $reach ->
        [one] участник
        [few] участника
       *[other] участников
    } (примерный охват)
wizard-review-schedule = Расписание: { $schedule }
wizard-review-send-now = сейчас
wizard-review-repeat = { $when }, { $repeat }
wizard-review-repeat-until = { $when }, { $repeat } до { $end }
wizard-review-training = Обучение: не обучена (автоответы настраиваются после сохранения, командой /training)
wizard-review-preview = Предпросмотр сообщения:
wizard-review-no-text = (без текста: только вложение)
wizard-review-media = Вложение: { $media }
wizard-review-buttons = Кнопки: { $buttons }
wizard-review-edit = ✏️ Изменить
wizard-review-test = 🧪 Тест
wizard-review-schedule-button = 🕐 Запланировать
wizard-review-send-now-button = 🚀 Отправить сейчас
wizard-review-draft = 💾 Сохранить черновик
wizard-edit = Что изменить? После этого вы вернётесь к проверке.
wizard-edit-name = Название
wizard-edit-platform = Платформа
wizard-edit-type = Тип
wizard-edit-audience = Аудитория
wizard-edit-content = Сообщение
wizard-edit-schedule = Расписание
wizard-edit-settings = Настройки
wizard-test-unavailable = Тестовая отправка пока недоступна.
wizard-test-sent = Тестовое сообщение отправлено.
wizard-confirm-send = Отправить { $reach } { $reach ->
        [one] получателю
       *[other] получателям
    } сейчас?
wizard-confirm-yes = ✅ Да, отправить
wizard-not-scheduled = не запланирована
wizard-status-draft = 📝 Черновик
wizard-status-scheduled = 🕐 Запланирована
wizard-status-sending = 📤 Отправляется
wizard-status-paused = ⏸ Приостановлена
wizard-status-published = ✅ Опубликована
wizard-status-failed = ❌ Ошибка
wizard-status-cancelled = 🚫 Отменена
wizard-status-archived = 🗄 В архиве
wizard-saved-schedule =
    Кампания #{ $id } «{ $name }» запланирована.
    Статус: { $status }
    Отправка: { $when }
    Управление — в /campaigns.
wizard-saved-now =
    Кампания #{ $id } «{ $name }» отправляется.
    Статус: { $status }, отправка начинается { $when }
    Ход отправки появится в этом чате.
wizard-saved-draft =
    Кампания #{ $id } «{ $name }» сохранена как черновик.
    Статус: { $status }
    Запланировано на: { $when }
    Закончить можно позже в /campaigns.
