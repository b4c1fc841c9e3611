console.log('arcee cli');
