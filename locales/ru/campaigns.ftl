# /campaigns: выбор платформы, список, фильтр, сортировка, поиск, карточки, массовые действия.

campaigns-status = { $status ->
    [draft] Черновик
    [scheduled] Запланирована
    [sending] Отправляется
    [paused] На паузе
    [published] Опубликована
    [failed] Ошибка
    [cancelled] Отменена
   *[archived] В архиве
}
campaigns-training = { $training ->
    [trained] Обучена
    [training] Обучается
   *[not_trained] Не обучена
}
campaigns-platform = { $platform ->
    [whatsapp] WhatsApp
   *[telegram] Telegram
}
campaigns-platform-short = { $platform ->
    [whatsapp] [WA]
   *[telegram] [TG]
}
campaigns-type = { $type ->
    [promotional] Промо
    [informational] Информационная
    [event_announcement] Анонс события
    [follow_up] Повторный контакт
   *[engagement] Вовлечение
}
campaigns-date = { $date ->
    [today] Сегодня
    [week] Эта неделя
    [month] Этот месяц
   *[any] Любая дата
}
campaigns-sort = { $sort ->
    [recent] Сначала новые
    [oldest] Сначала старые
    [name_asc] Название (А-Я)
    [name_desc] Название (Я-А)
    [schedule] Дата отправки
   *[status] Статус
}
campaigns-not-scheduled = не запланирована

campaigns-choose-platform = 📋 Кампании: какая платформа?
campaigns-platform-whatsapp-button = 🟢 WhatsApp
campaigns-platform-telegram-button = ✈️ Telegram
campaigns-platform-all-button = Все

campaigns-list-title = { $platform ->
    [whatsapp] Кампании WhatsApp
    [telegram] Кампании Telegram
   *[all] Все кампании
} (всего { $total }) · стр. { $page }/{ $pages }
campaigns-list-filter = Фильтр: { $filters }
campaigns-list-sort = Сортировка: { $sort }
campaigns-list-search = Поиск: «{ $search }»
campaigns-list-empty = Подходящих кампаний нет. Измените фильтр или поиск либо создайте кампанию: /newcampaign.
campaigns-list-expired = Этот список устарел. Начнём заново.
campaigns-line-whatsapp = { $featured }{ $tag }{ $id }. { $name } — { $status }, { $training }, { $schedule }
campaigns-line-telegram = { $featured }{ $tag }{ $id }. { $name } — { $status }, { $schedule }

campaigns-btn-search = 🔍 Поиск
campaigns-btn-filter = Фильтр
campaigns-btn-sort = Сортировка
campaigns-btn-bulk = ☑ Выбрать
campaigns-btn-clear-search = ✕ Сбросить поиск
campaigns-btn-platforms = ⬅ Платформы
campaigns-btn-back-list = ⬅ К списку
campaigns-btn-back-card = ⬅ К кампании
campaigns-btn-back-bulk = ⬅ К выбору
campaigns-btn-no = ✖ Нет, назад
campaigns-btn-refresh = 🔄 Обновить

campaigns-search-prompt = 🔍 Напишите часть названия кампании. Нажмите ✖ Отмена или отправьте /cancel, чтобы выйти.

campaigns-filter-title = Фильтр списка: выберите статус, обучение и период.
campaigns-filter-any-status = Все статусы
campaigns-filter-any-training = Любое обучение
campaigns-btn-show-results = ✅ Показать: { $count }
campaigns-btn-reset-filter = Сбросить
campaigns-sort-title = Сортировать список:

# карточка
campaigns-card-title = { $featured }#{ $id } { $name }
campaigns-card-platform = Платформа: { $platform } · Тип: { $type }
campaigns-card-status = Статус: { $status }
campaigns-card-training = Обучение: { $training }
campaigns-card-schedule = Отправка: { $schedule }
campaigns-card-repeat = Повтор: { $frequency ->
    [daily] ежедневно
    [weekly] еженедельно
    [monthly] ежемесячно
   *[other] { $frequency }
}
campaigns-card-repeat-until = Повтор: { $frequency ->
    [daily] ежедневно
    [weekly] еженедельно
    [monthly] ежемесячно
   *[other] { $frequency }
} до { $until }
campaigns-card-audience = Аудитория: { $audience }
campaigns-card-progress = Отправлено { $sent } из { $total }, ошибок { $failed }
campaigns-card-last-error = Последняя ошибка: { $error }
campaigns-card-message = Сообщение:
campaigns-card-no-text = (текста пока нет)
campaigns-card-media = Вложение: { $kind } { $name } ({ $size })
campaigns-card-buttons = Кнопок: { $count }
campaigns-card-dates = Создана { $created } · изменена { $updated }

campaigns-audience-all-contacts = все контакты
campaigns-audience-segments = сегменты { $segments }
campaigns-audience-contacts = выбранных контактов: { $count }
campaigns-audience-imported = импортированных номеров: { $count }
campaigns-audience-all-subscribers = все подписчики
campaigns-audience-groups = групп: { $count }
campaigns-audience-channels = каналов: { $count }
campaigns-audience-direct = подписчиков лично: { $count }
campaigns-audience-none = пока никто не выбран

campaigns-btn-feature = ⚡ Выделить
campaigns-btn-unfeature = ☆ Снять выделение
campaigns-btn-edit = ✏️ Изменить
campaigns-btn-delete = ✕ Удалить
campaigns-btn-duplicate = ⧉ Копировать
campaigns-btn-send-test = 🧪 Тест
campaigns-btn-cancel = 🚫 Отменить
campaigns-btn-pause = ⏸ Пауза
campaigns-btn-resume = ▶ Продолжить
campaigns-btn-retry = 🔁 Повторить ошибки
campaigns-btn-stats = 📊 Статистика
campaigns-btn-schedule = 🗓 Запланировать
campaigns-btn-send-now = 🚀 Отправить сейчас

campaigns-outdated-card = ⚠️ Кампания #{ $id } изменилась: теперь её статус — { $status }. Вот актуальная карточка.
campaigns-gone = Кампании #{ $id } больше нет (удалена или в архиве).
campaigns-featured = ⚡ #{ $id } выделена: она показывается первой в списке.
campaigns-unfeatured = #{ $id } больше не выделена.

# правка
campaigns-edit-menu = ✏️ Что изменить в #{ $id } «{ $name }»?
campaigns-btn-edit-name = Название
campaigns-btn-edit-message = Текст сообщения
campaigns-btn-edit-schedule = Время отправки
campaigns-edit-name-prompt = Пришлите новое название для #{ $id } (сейчас «{ $name }»), до 100 символов.
campaigns-edit-message-prompt =
    Пришлите новый текст сообщения для #{ $id } (до 4096 символов; *жирный*, _курсив_, ~зачёркнутый~, `код`, [ссылка](https://…)).
    Сейчас:
    { $text }
campaigns-edit-schedule-prompt =
    Пришлите новую дату и время для #{ $id } в виде ГГГГ-ММ-ДД ЧЧ:ММ, например 2029-06-13 11:24.
    Часовой пояс: { $zone } (чтобы сменить, допишите пояс после времени). Сейчас: { $current }
campaigns-edit-published = Опубликованные кампании изменить нельзя — сделайте копию.
campaigns-saved = ✅ Сохранено: #{ $id } обновлена.
campaigns-try-again = ⚠️ { $error } Попробуйте ещё раз или нажмите ✖ Отмена.

# планирование / отправка сейчас (черновики)
campaigns-schedule-prompt =
    🗓 Когда отправить #{ $id } «{ $name }»? Пришлите дату и время в виде ГГГГ-ММ-ДД ЧЧ:ММ, например 2029-06-13 11:24.
    Часовой пояс: { $zone } (чтобы сменить, допишите пояс после времени).
campaigns-schedule-confirm = Запланировать #{ $id } «{ $name }» на { $when }?
campaigns-btn-schedule-yes = ✅ Запланировать
campaigns-scheduled = 🕐 #{ $id } запланирована.
campaigns-send-now-confirm = 🚀 Отправить #{ $id } «{ $name }» сейчас? Примерный охват: { $reach }.
campaigns-btn-send-now-yes = 🚀 Да, отправить
campaigns-sent-now = 🚀 #{ $id } передана на отправку: она начнётся через несколько секунд.

# удаление / отмена / пауза / продолжение / повтор
campaigns-delete-confirm-remove = Удалить #{ $id } «{ $name }»? Она будет удалена навсегда, это нельзя отменить.
campaigns-delete-confirm-archive = Удалить #{ $id } «{ $name }»? Отправленные кампании уходят в архив: данные для аналитики сохраняются, из списка она исчезнет.
campaigns-btn-delete-yes = ✕ Да, удалить
campaigns-deleted = 🗑 #{ $id } «{ $name }» удалена.
campaigns-archived = 🗄 #{ $id } «{ $name }» в архиве: данные для аналитики сохранены, из списка она скрыта.
campaigns-duplicated = ⧉ Создан черновик #{ $id } «{ $name }» из #{ $from }.
campaigns-cancel-confirm = Отменить #{ $id } «{ $name }»? Она не будет отправлена. Это нельзя отменить.
campaigns-btn-cancel-yes = 🚫 Да, отменить
campaigns-cancelled = 🚫 #{ $id } отменена.
campaigns-paused = ⏸ #{ $id } на паузе. Продолжите, когда будете готовы.
campaigns-resume-confirm = Продолжить отправку #{ $id } «{ $name }»? Сообщение получат те, до кого оно ещё не дошло.
campaigns-btn-resume-yes = ▶ Да, продолжить
campaigns-resumed = ▶ #{ $id }: отправка продолжится через несколько секунд.
campaigns-retry-confirm = Повторить #{ $id } «{ $name }»? Будет повторно отправлено неудачных доставок: { $count }; остальным ничего не придёт повторно.
campaigns-btn-retry-yes = 🔁 Да, повторить ({ $count })
campaigns-retried = 🔁 #{ $id }: неудачные доставки отправляются повторно.
campaigns-test-sent = 🧪 Тест #{ $id } отправлен вам.

# массовые действия
campaigns-bulk-title = ☑ Выбор — { $platform ->
    [whatsapp] кампании WhatsApp
    [telegram] кампании Telegram
   *[all] все кампании
}, стр. { $page }/{ $pages }
campaigns-bulk-selected = Выбрано: { $count }{ $count ->
    [0] {""}
   *[other] {" "}({ $ids })
}. Нажимайте на кампании, чтобы выбрать их, затем выберите действие.
campaigns-bulk-none-selected = Сначала выберите хотя бы одну кампанию.
campaigns-btn-bulk-delete = ✕ Удалить выбранные ({ $count })
campaigns-btn-bulk-status = Сменить статус
campaigns-btn-bulk-duplicate = ⧉ Копировать выбранные
campaigns-btn-bulk-training = Статус обучения
campaigns-btn-bulk-export = ⬇ Экспорт CSV
campaigns-btn-bulk-clear = ☐ Снять выбор
campaigns-bulk-delete-confirm =
    Удалить выбранные кампании ({ $count }: { $ids })?
    Черновики, запланированные и отменённые удаляются навсегда; опубликованные и с ошибкой уходят в архив; отправляющиеся и на паузе не удаляются.
campaigns-btn-bulk-delete-yes = ✕ Да, удалить ({ $count })
campaigns-bulk-delete-title = Удаление выбранных
campaigns-bulk-outcome = { $outcome ->
    [archive] в архиве
   *[remove] удалена
}
campaigns-bulk-status-title = Сменить статус выбранных кампаний ({ $count }):
campaigns-bulk-action = { $action ->
    [unschedule] 📝 В черновики
    [cancel] 🚫 Отменить
    [pause] ⏸ Пауза
    [resume] ▶ Продолжить
    [retry] 🔁 Повторить ошибки
   *[archive] 🗄 В архив
}
campaigns-bulk-status-confirm = Применить «{ $action }» к выбранным кампаниям ({ $count })? Те, где это невозможно, будут пропущены с указанием причины.
campaigns-btn-yes-apply = ✅ Да: { $action }
campaigns-bulk-now = теперь { $status }
campaigns-bulk-duplicate-title = Копирование выбранных
campaigns-bulk-copied = скопирована в черновик #{ $id }
campaigns-bulk-training-title = Статус обучения для выбранных кампаний ({ $count }, только WhatsApp):
campaigns-bulk-training-done-title = Статус обучения
campaigns-bulk-summary = { $title }: выполнено { $done }, отказано { $refused }.
campaigns-bulk-done-line = ✅ #{ $id } { $name } — { $result }
campaigns-bulk-refused-line = ⛔ #{ $id } { $name } — отказ: { $reason }
campaigns-refused-transition = { $action ->
    [delete] кампанию в статусе «{ $from ->
        [sending] отправляется
        [paused] на паузе
        [archived] в архиве
       *[other] { $from }
    }» нельзя удалить{ $from ->
        [sending] {""}; сначала поставьте её на паузу или отмените
        [paused] {""}; сначала отмените её
       *[other] {""}
    }
    [unschedule] в черновики можно вернуть только запланированную кампанию
    [cancel] отменить можно только запланированную, отправляющуюся или приостановленную кампанию
    [pause] приостановить можно только отправляющуюся кампанию
    [resume] продолжить можно только приостановленную кампанию
    [retry] повторить можно только кампанию с ошибкой
    [archive] в архив можно отправить только опубликованную, отменённую или кампанию с ошибкой
   *[other] сейчас это невозможно
}
campaigns-refused-feature = статус обучения есть только у кампаний WhatsApp
campaigns-export-caption = ⬇ Кампаний: { $count }; время указано в часовом поясе каждой кампании.
campaigns-export-sent = CSV отправлен.
