@echo off
rem Manages the password file of the password-file auth plugin: bin\starling-passwd.cmd [ARGS]
rem (run it with -h for the arguments). Uses JAVA_HOME, else java on the PATH; honours JAVA_OPTS.
setlocal EnableExtensions
for %%i in ("%~dp0..") do set "STARLING_HOME=%%~fi"
if defined JAVA_HOME (
  set "JAVA=%JAVA_HOME%\bin\java.exe"
) else (
  set "JAVA=java.exe"
)
set "TOOL=io.starling.auth.passwd.PasswdTool"
findstr /m /c:"io/starling/auth/passwd/PasswdTool.class" "%STARLING_HOME%\lib\*.jar" >nul 2>&1
if errorlevel 1 (
  echo starling: %TOOL% is not in "%STARLING_HOME%\lib": this build has no password tool ^(it comes with the auth-plugins module^) 1>&2
  exit /b 1
)
"%JAVA%" %JAVA_OPTS% -cp "%STARLING_HOME%\lib\*" %TOOL% %*
exit /b %ERRORLEVEL%
