{#-
    The key of an administrative unit's name as the crosswalk seed writes it (its
    *_key columns): lower case, without Vietnamese diacritics, without the unit's type
    (Tỉnh, Thành phố, Quận, Huyện, Thị xã, Thị trấn, Phường, Xã, Đặc khu) and without
    spaces or punctuation. 'Huyện Bình Sơn' -> 'binhson', 'Phường 1' -> '1'.
-#}
{% macro admin_unit_key(expression) -%}
    regexp_replace(
        regexp_replace(
            lower(translate(
                normalize({{ expression }}, nfc),
                'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ'
                || 'ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ',
                'aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd'
                || 'aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd'
            )),
            '^\s*(tinh|thanh pho|thi xa|thi tran|quan|huyen|phuong|xa|dac khu)\s+', ''
        ),
        '[^a-z0-9]', '', 'g'
    )
{%- endmacro %}
