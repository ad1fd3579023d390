(function(){var t=document.getElementById('summary');if(!t)return;var b=t.tBodies[0];
var f=document.getElementById('filter');f.addEventListener('input',function(){var q=f.value.toLowerCase();
for(var r of b.rows){r.hidden=q&&r.textContent.toLowerCase().indexOf(q)<0;}});
t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){
var asc=th.getAttribute('aria-sort')!=='ascending';t.querySelectorAll('th').forEach(function(h){h.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',asc?'ascending':'descending');var rows=Array.from(b.rows);
rows.sort(function(x,y){var a=x.cells[i].dataset.v||x.cells[i].textContent,c=y.cells[i].dataset.v||y.cells[i].textContent;
return (a<c?-1:a>c?1:0)*(asc?1:-1);});rows.forEach(function(r){b.appendChild(r);});});});})();
