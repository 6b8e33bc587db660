# /stats: показатели одной кампании или список для выбора.
stats-title = 📊 Кампания #{ $id }: { $name }
stats-subtitle = { $platform } · { $status }
stats-nothing-sent = Пока ничего не отправлено: показатели появятся после отправки.
stats-sent = Отправлено: { $count } { $count ->
    [one] сообщение
    [few] сообщения
   *[other] сообщений
}
stats-delivered = Доставлено: { $count } ({ $percent })
stats-failed = Ошибки: { $count } ({ $percent })
stats-read = Прочитано: { $count } ({ $percent })
stats-clicked = Переходы: { $count } ({ $percent })
stats-responses = Ответы: { $count } ({ $percent })
stats-clicked-tracked = Переходы по отслеживаемым ссылкам: { $count } ({ $percent })
stats-unknown = Результат неизвестен (отправка прервана): { $count } ({ $percent })

stats-delivery-title = Статус доставки
stats-row-delivered = Доставлено — { $count } — { $percent }
stats-row-read = Прочитано — { $count } — { $percent }
stats-row-failed = Ошибки — { $count } — { $percent }
stats-row-pending = В очереди — { $count } — { $percent }

stats-reasons-title = Причины ошибок
stats-reason = { $reason ->
    [invalid_number] Неверный номер
    [blocked] Контакт заблокировал
    [network] Ошибка сети
    [platform_restriction] Ограничение платформы
    [rate_limited] Превышен лимит
    [chat_not_found] Чат не найден
    [content_rejected] Содержимое отклонено
   *[unknown] Неизвестно
}: { $count }

stats-engagement-title = Вовлечённость
stats-ctr = CTR (переходы): { $percent }
stats-response-rate = Доля ответов: { $percent }
stats-conversion-rate = Конверсия: { $percent }
stats-response-time = Среднее время ответа: { $minutes } мин
stats-telegram-limits = ℹ️ Telegram не сообщает ботам, сколько людей просмотрели сообщение или поделились им, поэтому просмотров и репостов здесь нет. Проценты считаются от числа отправленных сообщений.

stats-pick = 📊 Какая кампания? Последние:
stats-pick-line = { $id }. { $name } — { $status }
stats-no-campaigns = Кампаний пока нет. Создайте первую: /newcampaign.
stats-usage = «{ $arg }» — не номер кампании. Отправьте /stats 12 для кампании #12 или просто /stats, чтобы выбрать из списка.
stats-unknown-id = Кампании #{ $id } нет. Отправьте /stats, чтобы выбрать из списка.
stats-btn-refresh = 🔄 Обновить
stats-btn-list = ⬅ Другие кампании

# Показатели Telegram, которых нет в Bot API.
stats-views-na = Просмотры: недоступны (Bot API их не сообщает)
stats-shares-na = Репосты: недоступны (Bot API их не сообщает)
stats-reactions = Реакции: { $count } (в группах и каналах, где бот — администратор)
stats-total-clicks = Всего переходов, с повторными: { $count }

stats-tracking-on = 🔗 Отслеживание переходов включено. Ссылки идут через { $url }, считается первый переход каждого получателя.
stats-tracking-off-campaign = 🔗 Отслеживание переходов для этой кампании выключено. Ссылки отправляются как есть, переходы не считаются.
stats-tracking-off-no-url = 🔗 Отслеживание переходов выключено: не задан PUBLIC_URL. Ссылки отправляются как есть, переходы не считаются.
stats-goal = 🎯 Целевая страница: { $url }
stats-goal-none = 🎯 Целевой страницы нет: конверсии считаются, только если о них сообщает ваш сайт.

stats-runs-title = Запуски (повторяющаяся кампания)
stats-run-line = Запуск { $n } · { $when }: отправлено { $sent } · доставлено { $delivered } · переходы { $clicked } ({ $ctr })
stats-run-when-unknown = время старта не записано
stats-all-runs = Выше — все { $count } запуска вместе.
stats-updated = Обновлено { $when }

stats-btn-charts = 📈 Графики
stats-btn-csv = 📄 Выгрузить CSV
stats-btn-tracking-off = 🔗 Выключить отслеживание
stats-btn-tracking-on = 🔗 Включить отслеживание
stats-btn-goal = 🎯 Целевая страница
stats-tracking-now-on = Отслеживание переходов включено для следующих отправок кампании #{ $id }.
stats-tracking-now-off = Отслеживание переходов выключено для следующих отправок кампании #{ $id }.
stats-goal-prompt = 🎯 Пришлите адрес страницы, которая означает «конверсию», для кампании #{ $id } (например https://shop.example/thanks) или «-», чтобы убрать её.

    Отслеживаемые переходы придут на ваш сайт с параметром mb_goal; при конверсии отправьте посетителя на { $base }/g/<mb_goal> (или POST {"{"}"token": "<mb_goal>"{"}"} на { $base }/g).
stats-goal-saved = 🎯 Целевая страница кампании #{ $id }: { $url }
stats-goal-removed = 🎯 У кампании #{ $id } больше нет целевой страницы.
error-invalid-goal-url = «{ $url }» — не веб-адрес. Пришлите адрес, начинающийся с https:// или http://.

stats-charts-none = Пока ничего не отправлено — графики строить не из чего.
stats-chart-funnel-title = Кампания #{ $id }: воронка доставки
stats-chart-timeline-title = Кампания #{ $id }: отправки и переходы по { $unit ->
    [hour] часам
   *[day] дням
} ({ $zone })
stats-chart-sends = Отправлено
stats-chart-clicks = Первые переходы
stats-funnel-stage = { $stage ->
    [sent] Отправлено
    [delivered] Доставлено
    [read] Прочитано
    [clicked] Переходы
    [responses] Ответы
   *[converted] Конверсии
} { $count } ({ $percent })
stats-charts-caption = 📈 Кампания #{ $id }: { $name }
stats-csv-caption = 📄 Кампания #{ $id }: доставок — { $rows }, время в поясе { $zone }.
stats-csv-header = { $field ->
    [run] запуск
    [recipient] получатель
    [name] имя
    [status] статус
    [reason] причина ошибки
    [attempts] попытки
    [sentAt] отправлено
    [deliveredAt] доставлено
    [readAt] прочитано
    [failedAt] ошибка
    [clickedAt] первый переход
    [clicks] переходы
    [respondedAt] ответ
   *[convertedAt] конверсия
}

# /stats без номера: итоги за период и лучшие кампании по CTR.
stats-overview-title = 📊 Обзор · { $days ->
    [all] за всё время
   *[other] за { $days } дн.
}
stats-overview-empty = За этот период ничего не отправлялось.
stats-overview-totals = Кампаний: { $campaigns } · отправлено { $sent } · доставлено { $delivered } ({ $deliveredPercent }) · ошибки { $failed } ({ $failedPercent }) · переходы { $clicked } ({ $clickedPercent })
stats-top-title = 🏆 Лучшие кампании по CTR:
stats-top-line = { $rank }. #{ $id } { $name } — { $ctr } ({ $clicked } из { $sent })
stats-btn-range = { $days ->
    [7] 7 дней
    [30] 30 дней
   *[all] Всё время
}

# Replies recipients sent after a campaign reached them.
stats-btn-replies = 💬 Ответы
stats-replies-none = На эту кампанию пока никто не ответил.
stats-replies-title = 💬 Последние ответы на кампанию #{ $id } «{ $name }»: { $count }
stats-reply-line = • { $when } · { $from }: «{ $text }»
stats-reply-media-line = • { $when } · { $from }: [{ $media }] «{ $text }»
stats-reply-media-only-line = • { $when } · { $from }: [{ $media }]
reply-media = { $kind ->
    [photo] 📷 фото
    [video] 🎬 видео
    [voice] 🎤 голосовое сообщение
    [audio] 🎵 аудио
    [document] 📄 файл
    [sticker] 🏷 стикер
    [animation] 🎞 GIF
    [video_note] ⏺ видеосообщение
    [location] 📍 геопозиция
    [contact] 👤 контакт
   *[other] 📎 вложение
}
