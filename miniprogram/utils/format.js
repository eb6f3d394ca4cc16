// Display formatting. Areas are integers in 0.01 m², so no float ever reaches the screen.

/** 8912 → "89.12", 5 → "0.05"; anything but a non-negative integer → "". */
function formatArea(areaCm2) {
  if (!Number.isInteger(areaCm2) || areaCm2 < 0) return '';
  const whole = (areaCm2 - (areaCm2 % 100)) / 100;
  const hundredths = String(areaCm2 % 100).padStart(2, '0');
  return `${whole}.${hundredths}`;
}

/** 8912 → "89.12㎡". */
function areaLabel(areaCm2) {
  const area = formatArea(areaCm2);
  return area ? `${area}㎡` : '';
}

module.exports = { formatArea, areaLabel };
